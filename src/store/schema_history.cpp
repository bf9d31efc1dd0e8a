// The shared schema history: migrations 1-8, from before the modules brought their own (see
// kumo/store/schema.hpp). Never edit a shipped step: a module adds a new one.
#include "kumo/store/schema.hpp"

#include <algorithm>
#include <string>

namespace kumo::sql {

const std::vector<migration>& schema_history() {
    static const std::vector<migration> steps = {
        // 1: identity, hosts, flavors, vms, operations
        {1, R"sql(
CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    PRIMARY KEY (user_id, project_id)
);
CREATE TABLE revoked_tokens (
    token_id TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE TABLE hosts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    uri TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('up', 'down')),
    virt_type TEXT NOT NULL,
    cpu_model TEXT NOT NULL DEFAULT '',
    cpus INTEGER NOT NULL DEFAULT 0,
    memory_mb INTEGER NOT NULL DEFAULT 0,
    arch TEXT NOT NULL DEFAULT '',
    hypervisor TEXT NOT NULL DEFAULT '',
    hypervisor_version TEXT NOT NULL DEFAULT '',
    libvirt_version TEXT NOT NULL DEFAULT '',
    hostname TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE flavors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    vcpus INTEGER NOT NULL CHECK (vcpus > 0),
    ram_mb INTEGER NOT NULL CHECK (ram_mb > 0),
    disk_gb INTEGER NOT NULL CHECK (disk_gb >= 0),
    extra_specs TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE vms (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    flavor_id TEXT NOT NULL REFERENCES flavors(id),
    host_id TEXT REFERENCES hosts(id),
    vcpus INTEGER NOT NULL,
    ram_mb INTEGER NOT NULL,
    status TEXT NOT NULL,
    task_state TEXT NOT NULL DEFAULT '',
    power_state TEXT NOT NULL DEFAULT 'unknown',
    vnc_password TEXT NOT NULL,
    fault TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX vms_project ON vms(project_id);
CREATE INDEX vms_host ON vms(host_id);
CREATE TABLE operations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    progress INTEGER NOT NULL DEFAULT 0,
    resource TEXT NOT NULL,
    target_id TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    project_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX operations_status ON operations(status);
)sql"},
        // 2: domains, groups, roles and role assignments (replacing memberships), application credentials,
        // token cutoffs, quotas, the audit log. Foreign keys cannot be added to existing tables by ALTER, so
        // projects.domain_id and users.domain_id are checked by the repositories instead.
        {2, R"sql(
CREATE TABLE domains (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO domains (id, name, description, created_at, updated_at)
    VALUES ('default', 'Default', 'The domain every installation starts with',
            strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
ALTER TABLE projects ADD COLUMN domain_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE projects ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
CREATE INDEX projects_domain ON projects(domain_id);
ALTER TABLE users ADD COLUMN domain_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE INDEX users_domain ON users(domain_id);
CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain_id TEXT NOT NULL REFERENCES domains(id),
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (domain_id, name)
);
CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members(user_id);
CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    builtin INTEGER NOT NULL DEFAULT 0,
    permissions TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO roles (id, name, description, builtin, created_at, updated_at)
    SELECT column1, column1, column2, 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    FROM (VALUES ('admin', 'Cloud administrator: everything'),
                 ('domain_admin', 'Administers the projects, users and groups of a domain'),
                 ('project_admin', 'Administers the members of a project'),
                 ('member', 'Creates and manages the resources of a project'),
                 ('reader', 'Sees the resources of a project'));
CREATE TABLE role_assignments (
    id TEXT PRIMARY KEY,
    actor_type TEXT NOT NULL CHECK (actor_type IN ('user', 'group')),
    actor_id TEXT NOT NULL,
    scope_type TEXT NOT NULL CHECK (scope_type IN ('project', 'domain', 'cloud')),
    scope_id TEXT NOT NULL,
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (actor_type, actor_id, scope_type, scope_id, role_id)
);
CREATE INDEX role_assignments_actor ON role_assignments(actor_id);
CREATE INDEX role_assignments_scope ON role_assignments(scope_id);
INSERT INTO role_assignments (id, actor_type, actor_id, scope_type, scope_id, role_id, created_at)
    SELECT lower(hex(randomblob(16))), 'user', user_id, 'project', project_id,
           CASE role WHEN 'admin' THEN 'project_admin' ELSE 'member' END, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    FROM memberships;
INSERT INTO role_assignments (id, actor_type, actor_id, scope_type, scope_id, role_id, created_at)
    SELECT lower(hex(randomblob(16))), 'user', user_id, 'cloud', '', 'admin', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    FROM memberships WHERE role = 'admin' GROUP BY user_id;
DROP TABLE memberships;
CREATE TABLE app_credentials (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    secret_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    expires_at INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, name)
);
CREATE TABLE token_cutoffs (
    subject TEXT PRIMARY KEY,
    not_before_ms INTEGER NOT NULL
);
CREATE TABLE quotas (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    resource TEXT NOT NULL,
    hard_limit INTEGER NOT NULL CHECK (hard_limit >= -1),
    PRIMARY KEY (project_id, resource)
);
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    project_id TEXT NOT NULL,
    domain_id TEXT NOT NULL,
    remote TEXT NOT NULL,
    request_id TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    status INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_project ON audit_log(project_id);
CREATE INDEX audit_domain ON audit_log(domain_id);
)sql"},
        // 3: scheduling: host state and per-host settings, claims, server groups, aggregates. Existing VMs
        // keep their placement as claims (their disk was not recorded before: 0).
        {3, R"sql(
ALTER TABLE hosts ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE hosts ADD COLUMN maintenance INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN disk_gb INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN cpu_features TEXT NOT NULL DEFAULT '[]';
ALTER TABLE hosts ADD COLUMN overrides TEXT NOT NULL DEFAULT '{}';
CREATE TABLE server_groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects(id),
    user_id TEXT NOT NULL,
    policy TEXT NOT NULL CHECK (policy IN ('affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX server_groups_project ON server_groups(project_id);
ALTER TABLE vms ADD COLUMN disk_gb INTEGER NOT NULL DEFAULT 0;
ALTER TABLE vms ADD COLUMN availability_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE vms ADD COLUMN server_group_id TEXT REFERENCES server_groups(id);
CREATE INDEX vms_server_group ON vms(server_group_id);
CREATE TABLE claims (
    vm_id TEXT NOT NULL REFERENCES vms(id) ON DELETE CASCADE,
    host_id TEXT NOT NULL REFERENCES hosts(id),
    vcpus INTEGER NOT NULL,
    ram_mb INTEGER NOT NULL,
    disk_gb INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (vm_id, host_id)
);
CREATE INDEX claims_host ON claims(host_id);
INSERT INTO claims (vm_id, host_id, vcpus, ram_mb, disk_gb, created_at)
    SELECT id, host_id, vcpus, ram_mb, 0, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    FROM vms WHERE host_id IS NOT NULL AND status != 'error';
CREATE TABLE aggregates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    availability_zone TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE aggregate_hosts (
    aggregate_id TEXT NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE,
    host_id TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    PRIMARY KEY (aggregate_id, host_id)
);
CREATE INDEX aggregate_hosts_host ON aggregate_hosts(host_id);
)sql"},
        // 4: usage counters kept by triggers, so a placement and a quota check read one row instead of
        // summing every claim or VM (measured: those sums were a fifth of the daemon's CPU in a 1,000-VM
        // burst). VMs from before migration 3 get their flavor's disk.
        {4, R"sql(
UPDATE vms SET disk_gb = coalesce((SELECT disk_gb FROM flavors WHERE flavors.id = vms.flavor_id), 0);
UPDATE claims SET disk_gb = (SELECT disk_gb FROM vms WHERE vms.id = claims.vm_id);
CREATE TABLE host_usage (
    host_id TEXT PRIMARY KEY,
    vcpus INTEGER NOT NULL DEFAULT 0,
    ram_mb INTEGER NOT NULL DEFAULT 0,
    disk_gb INTEGER NOT NULL DEFAULT 0,
    instances INTEGER NOT NULL DEFAULT 0
);
INSERT INTO host_usage (host_id, vcpus, ram_mb, disk_gb, instances)
    SELECT host_id, sum(vcpus), sum(ram_mb), sum(disk_gb), count(*) FROM claims GROUP BY host_id;
CREATE TRIGGER claims_added AFTER INSERT ON claims BEGIN
    INSERT OR IGNORE INTO host_usage (host_id) VALUES (NEW.host_id);
    UPDATE host_usage SET vcpus = vcpus + NEW.vcpus, ram_mb = ram_mb + NEW.ram_mb, disk_gb = disk_gb + NEW.disk_gb,
        instances = instances + 1 WHERE host_id = NEW.host_id;
END;
CREATE TRIGGER claims_removed AFTER DELETE ON claims BEGIN
    UPDATE host_usage SET vcpus = vcpus - OLD.vcpus, ram_mb = ram_mb - OLD.ram_mb, disk_gb = disk_gb - OLD.disk_gb,
        instances = instances - 1 WHERE host_id = OLD.host_id;
END;
CREATE TABLE project_usage (
    project_id TEXT PRIMARY KEY,
    instances INTEGER NOT NULL DEFAULT 0,
    vcpus INTEGER NOT NULL DEFAULT 0,
    ram_mb INTEGER NOT NULL DEFAULT 0,
    disk_gb INTEGER NOT NULL DEFAULT 0
);
INSERT INTO project_usage (project_id, instances, vcpus, ram_mb, disk_gb)
    SELECT project_id, count(*), sum(vcpus), sum(ram_mb), sum(disk_gb) FROM vms GROUP BY project_id;
CREATE TRIGGER vms_added AFTER INSERT ON vms BEGIN
    INSERT OR IGNORE INTO project_usage (project_id) VALUES (NEW.project_id);
    UPDATE project_usage SET instances = instances + 1, vcpus = vcpus + NEW.vcpus, ram_mb = ram_mb + NEW.ram_mb,
        disk_gb = disk_gb + NEW.disk_gb WHERE project_id = NEW.project_id;
END;
CREATE TRIGGER vms_removed AFTER DELETE ON vms BEGIN
    UPDATE project_usage SET instances = instances - 1, vcpus = vcpus - OLD.vcpus, ram_mb = ram_mb - OLD.ram_mb,
        disk_gb = disk_gb - OLD.disk_gb WHERE project_id = OLD.project_id;
END;
CREATE TRIGGER vms_resized AFTER UPDATE OF vcpus, ram_mb, disk_gb, project_id ON vms BEGIN
    UPDATE project_usage SET instances = instances - 1, vcpus = vcpus - OLD.vcpus, ram_mb = ram_mb - OLD.ram_mb,
        disk_gb = disk_gb - OLD.disk_gb WHERE project_id = OLD.project_id;
    INSERT OR IGNORE INTO project_usage (project_id) VALUES (NEW.project_id);
    UPDATE project_usage SET instances = instances + 1, vcpus = vcpus + NEW.vcpus, ram_mb = ram_mb + NEW.ram_mb,
        disk_gb = disk_gb + NEW.disk_gb WHERE project_id = NEW.project_id;
END;
)sql"},
        // 5: remote hosts over SSH (the host key pinned at enrollment, "type base64"), each host's CPU as
        // libvirt describes it (input of the pool's baseline CPU), the address migrations send memory to
        // (e.g. on a storage network; empty: the SSH address), and what a running operation reports
        // besides a percentage (migration data remaining, a maintenance run's per-VM results).
        {5, R"sql(
ALTER TABLE hosts ADD COLUMN ssh_host_key TEXT NOT NULL DEFAULT '';
ALTER TABLE hosts ADD COLUMN cpu_xml TEXT NOT NULL DEFAULT '';
ALTER TABLE hosts ADD COLUMN migration_address TEXT NOT NULL DEFAULT '';
ALTER TABLE operations ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
)sql"},
        // 6: the image store (records; the bytes live in <data_dir>/images), projects an image is shared
        // with, SSH key pairs, what a VM boots from and is handed (image, copied public keys, user-data;
        // `boot`: the kernel/ramdisk images and command line copied from the image at create), data
        // volumes (the file lives in the pool of the host of the VM a volume first attached to), VM
        // snapshots (inside the VM's qcow2 disks; the rows name them), and which images each host holds.
        {6, R"sql(
CREATE TABLE images (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects(id),
    visibility TEXT NOT NULL CHECK (visibility IN ('private', 'shared', 'public')),
    protected INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('queued', 'saving', 'active', 'killed')),
    disk_format TEXT NOT NULL DEFAULT '',
    container_format TEXT NOT NULL DEFAULT 'bare',
    size_bytes INTEGER NOT NULL DEFAULT 0,
    virtual_size INTEGER NOT NULL DEFAULT 0,
    sha256 TEXT NOT NULL DEFAULT '',
    md5 TEXT NOT NULL DEFAULT '',
    expected_sha256 TEXT NOT NULL DEFAULT '',
    min_ram_mb INTEGER NOT NULL DEFAULT 0,
    min_disk_gb INTEGER NOT NULL DEFAULT 0,
    properties TEXT NOT NULL DEFAULT '{}',
    fault TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX images_project ON images(project_id);
CREATE TABLE image_members (
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    PRIMARY KEY (image_id, project_id)
);
CREATE TABLE keypairs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, name)
);
ALTER TABLE vms ADD COLUMN image_id TEXT NOT NULL DEFAULT '';
ALTER TABLE vms ADD COLUMN public_keys TEXT NOT NULL DEFAULT '';
ALTER TABLE vms ADD COLUMN user_data TEXT NOT NULL DEFAULT '';
ALTER TABLE vms ADD COLUMN boot TEXT NOT NULL DEFAULT '{}';
CREATE INDEX vms_image ON vms(image_id);
CREATE TABLE volumes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects(id),
    size_gb INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('available', 'in-use', 'error')),
    host_id TEXT REFERENCES hosts(id),
    vm_id TEXT REFERENCES vms(id),
    device TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX volumes_project ON volumes(project_id);
CREATE INDEX volumes_vm ON volumes(vm_id);
CREATE TABLE vm_snapshots (
    id TEXT PRIMARY KEY,
    vm_id TEXT NOT NULL REFERENCES vms(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    with_memory INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX vm_snapshots_vm ON vm_snapshots(vm_id);
CREATE TABLE image_cache (
    host_id TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    image_id TEXT NOT NULL,
    path TEXT NOT NULL,
    last_used TEXT NOT NULL,
    PRIMARY KEY (host_id, image_id)
);
)sql"},
        // 7: where a volume's first bytes come from (an image, or a volume snapshot), volume snapshots
        // (a full copy of the volume's file on its host; none while the volume had no file yet: then the
        // snapshot names the image it would have started from), and flavors' ephemeral disk, copied into
        // each VM at create like the other sizes.
        {7, R"sql(
ALTER TABLE volumes ADD COLUMN source_image_id TEXT NOT NULL DEFAULT '';
ALTER TABLE volumes ADD COLUMN source_snapshot_id TEXT NOT NULL DEFAULT '';
CREATE TABLE volume_snapshots (
    id TEXT PRIMARY KEY,
    volume_id TEXT NOT NULL REFERENCES volumes(id),
    project_id TEXT NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    size_gb INTEGER NOT NULL,
    host_id TEXT REFERENCES hosts(id),
    source_image_id TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX volume_snapshots_volume ON volume_snapshots(volume_id);
ALTER TABLE flavors ADD COLUMN ephemeral_gb INTEGER NOT NULL DEFAULT 0;
ALTER TABLE vms ADD COLUMN ephemeral_gb INTEGER NOT NULL DEFAULT 0;
)sql"},
        // 8: volume types (Cinder's): the configured type, hence the pool, each volume lives in. A VM's
        // ephemeral disk counts in its project's disk_gb as its root disk does (migration 4 counted roots).
        {8, R"sql(
ALTER TABLE volumes ADD COLUMN volume_type TEXT NOT NULL DEFAULT 'default';
DROP TRIGGER vms_added;
DROP TRIGGER vms_removed;
DROP TRIGGER vms_resized;
CREATE TRIGGER vms_added AFTER INSERT ON vms BEGIN
    INSERT OR IGNORE INTO project_usage (project_id) VALUES (NEW.project_id);
    UPDATE project_usage SET instances = instances + 1, vcpus = vcpus + NEW.vcpus, ram_mb = ram_mb + NEW.ram_mb,
        disk_gb = disk_gb + NEW.disk_gb + NEW.ephemeral_gb WHERE project_id = NEW.project_id;
END;
CREATE TRIGGER vms_removed AFTER DELETE ON vms BEGIN
    UPDATE project_usage SET instances = instances - 1, vcpus = vcpus - OLD.vcpus, ram_mb = ram_mb - OLD.ram_mb,
        disk_gb = disk_gb - OLD.disk_gb - OLD.ephemeral_gb WHERE project_id = OLD.project_id;
END;
CREATE TRIGGER vms_resized AFTER UPDATE OF vcpus, ram_mb, disk_gb, ephemeral_gb, project_id ON vms BEGIN
    UPDATE project_usage SET instances = instances - 1, vcpus = vcpus - OLD.vcpus, ram_mb = ram_mb - OLD.ram_mb,
        disk_gb = disk_gb - OLD.disk_gb - OLD.ephemeral_gb WHERE project_id = OLD.project_id;
    INSERT OR IGNORE INTO project_usage (project_id) VALUES (NEW.project_id);
    UPDATE project_usage SET instances = instances + 1, vcpus = vcpus + NEW.vcpus, ram_mb = ram_mb + NEW.ram_mb,
        disk_gb = disk_gb + NEW.disk_gb + NEW.ephemeral_gb WHERE project_id = NEW.project_id;
END;
UPDATE project_usage SET disk_gb =
    coalesce((SELECT sum(disk_gb + ephemeral_gb) FROM vms WHERE vms.project_id = project_usage.project_id), 0);
)sql"},
    };
    return steps;
}

std::vector<migration> full_schema(std::vector<migration> added) {
    std::vector<migration> all = schema_history();
    all.insert(all.end(), added.begin(), added.end());
    std::stable_sort(all.begin(), all.end(),
                     [](const migration& a, const migration& b) { return a.version < b.version; });
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i].version != static_cast<int>(i) + 1)
            throw std::logic_error("schema migrations must be numbered 1.." + std::to_string(all.size()) +
                                   " once each; found version " + std::to_string(all[i].version) + " at position " +
                                   std::to_string(i + 1));
    return all;
}

}  // namespace kumo::sql
