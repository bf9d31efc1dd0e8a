CREATE INDEX aggregate_hosts_host ON aggregate_hosts(host_id);
CREATE INDEX audit_domain ON audit_log(domain_id);
CREATE INDEX audit_project ON audit_log(project_id);
CREATE INDEX claims_host ON claims(host_id);
CREATE INDEX group_members_user ON group_members(user_id);
CREATE INDEX images_project ON images(project_id);
CREATE INDEX operations_status ON operations(status);
CREATE INDEX projects_domain ON projects(domain_id);
CREATE INDEX role_assignments_actor ON role_assignments(actor_id);
CREATE INDEX role_assignments_scope ON role_assignments(scope_id);
CREATE INDEX server_groups_project ON server_groups(project_id);
CREATE INDEX users_domain ON users(domain_id);
CREATE INDEX vm_snapshots_vm ON vm_snapshots(vm_id);
CREATE INDEX vms_host ON vms(host_id);
CREATE INDEX vms_image ON vms(image_id);
CREATE INDEX vms_project ON vms(project_id);
CREATE INDEX vms_server_group ON vms(server_group_id);
CREATE INDEX volume_snapshots_volume ON volume_snapshots(volume_id);
CREATE INDEX volumes_project ON volumes(project_id);
CREATE INDEX volumes_vm ON volumes(vm_id);
CREATE TABLE aggregate_hosts (
    aggregate_id TEXT NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE,
    host_id TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    PRIMARY KEY (aggregate_id, host_id)
);
CREATE TABLE aggregates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    availability_zone TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
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
CREATE TABLE claims (
    vm_id TEXT NOT NULL REFERENCES vms(id) ON DELETE CASCADE,
    host_id TEXT NOT NULL REFERENCES hosts(id),
    vcpus INTEGER NOT NULL,
    ram_mb INTEGER NOT NULL,
    disk_gb INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (vm_id, host_id)
);
CREATE TABLE domains (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
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
, ephemeral_gb INTEGER NOT NULL DEFAULT 0);
CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain_id TEXT NOT NULL REFERENCES domains(id),
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (domain_id, name)
);
CREATE TABLE host_usage (
    host_id TEXT PRIMARY KEY,
    vcpus INTEGER NOT NULL DEFAULT 0,
    ram_mb INTEGER NOT NULL DEFAULT 0,
    disk_gb INTEGER NOT NULL DEFAULT 0,
    instances INTEGER NOT NULL DEFAULT 0
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
, enabled INTEGER NOT NULL DEFAULT 1, maintenance INTEGER NOT NULL DEFAULT 0, disk_gb INTEGER NOT NULL DEFAULT 0, cpu_features TEXT NOT NULL DEFAULT '[]', overrides TEXT NOT NULL DEFAULT '{}', ssh_host_key TEXT NOT NULL DEFAULT '', cpu_xml TEXT NOT NULL DEFAULT '', migration_address TEXT NOT NULL DEFAULT '');
CREATE TABLE image_cache (
    host_id TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    image_id TEXT NOT NULL,
    path TEXT NOT NULL,
    last_used TEXT NOT NULL,
    PRIMARY KEY (host_id, image_id)
);
CREATE TABLE image_members (
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    PRIMARY KEY (image_id, project_id)
);
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
CREATE TABLE keypairs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, name)
);
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
, details TEXT NOT NULL DEFAULT '{}');
CREATE TABLE project_usage (
    project_id TEXT PRIMARY KEY,
    instances INTEGER NOT NULL DEFAULT 0,
    vcpus INTEGER NOT NULL DEFAULT 0,
    ram_mb INTEGER NOT NULL DEFAULT 0,
    disk_gb INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
, domain_id TEXT NOT NULL DEFAULT 'default', description TEXT NOT NULL DEFAULT '', enabled INTEGER NOT NULL DEFAULT 1);
CREATE TABLE quotas (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    resource TEXT NOT NULL,
    hard_limit INTEGER NOT NULL CHECK (hard_limit >= -1),
    PRIMARY KEY (project_id, resource)
);
CREATE TABLE revoked_tokens (
    token_id TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
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
CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    builtin INTEGER NOT NULL DEFAULT 0,
    permissions TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE server_groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects(id),
    user_id TEXT NOT NULL,
    policy TEXT NOT NULL CHECK (policy IN ('affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE token_cutoffs (
    subject TEXT PRIMARY KEY,
    not_before_ms INTEGER NOT NULL
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
, domain_id TEXT NOT NULL DEFAULT 'default', email TEXT NOT NULL DEFAULT '');
CREATE TABLE vm_snapshots (
    id TEXT PRIMARY KEY,
    vm_id TEXT NOT NULL REFERENCES vms(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    with_memory INTEGER NOT NULL,
    created_at TEXT NOT NULL
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
, disk_gb INTEGER NOT NULL DEFAULT 0, availability_zone TEXT NOT NULL DEFAULT '', server_group_id TEXT REFERENCES server_groups(id), image_id TEXT NOT NULL DEFAULT '', public_keys TEXT NOT NULL DEFAULT '', user_data TEXT NOT NULL DEFAULT '', boot TEXT NOT NULL DEFAULT '{}', ephemeral_gb INTEGER NOT NULL DEFAULT 0);
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
, source_image_id TEXT NOT NULL DEFAULT '', source_snapshot_id TEXT NOT NULL DEFAULT '', volume_type TEXT NOT NULL DEFAULT 'default');
CREATE TRIGGER claims_added AFTER INSERT ON claims BEGIN
    INSERT OR IGNORE INTO host_usage (host_id) VALUES (NEW.host_id);
    UPDATE host_usage SET vcpus = vcpus + NEW.vcpus, ram_mb = ram_mb + NEW.ram_mb, disk_gb = disk_gb + NEW.disk_gb,
        instances = instances + 1 WHERE host_id = NEW.host_id;
END;
CREATE TRIGGER claims_removed AFTER DELETE ON claims BEGIN
    UPDATE host_usage SET vcpus = vcpus - OLD.vcpus, ram_mb = ram_mb - OLD.ram_mb, disk_gb = disk_gb - OLD.disk_gb,
        instances = instances - 1 WHERE host_id = OLD.host_id;
END;
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
