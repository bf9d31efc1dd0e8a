#pragma once
// Data volumes and their snapshots (Cinder's job, in-process).
#include <string>

namespace kumo {

// A data volume (Cinder's job). Its file (volume-<id>.qcow2, or the raw LVM volume volume-<id>) is made in
// its type's pool on the host of the VM it is first attached to, and stays on that host (a migration of
// its VM copies it along; with a shared pool every host reaches it).
struct volume {
    std::string id;
    std::string name;
    std::string project_id;
    int size_gb = 1;
    std::string status = "available";  // available | in-use | error
    std::string host_id;               // empty until its file exists
    std::string vm_id;                 // attached to, or empty
    std::string device;                // vdc, vdd, ... while attached
    std::string created_at, updated_at;
    // Where the first bytes come from when the file is made (empty: blank). A volume from a snapshot
    // that has a file is made at once on the snapshot's host.
    std::string source_image_id, source_snapshot_id;
    std::string volume_type = "default";  // a configured volume type: the pool its file lives in
};

// A copy of a volume's file at one moment, on the volume's host (Cinder's snapshots). A snapshot of a
// volume that had no file yet has no host; it names the image the volume would start from, if any.
struct volume_snapshot {
    std::string id;
    std::string volume_id;
    std::string project_id;
    std::string name;
    int size_gb = 1;
    std::string host_id;
    std::string source_image_id;
    std::string created_at;
};

}  // namespace kumo
