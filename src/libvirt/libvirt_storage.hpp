#pragma once
// The storage half of the libvirt adapter: Kumo's pools (directories, LVM volume groups), volumes in them.
#include "kumo/hypervisor/hypervisor.hpp"

#include <libvirt/libvirt.h>

namespace kumo::lv {

result<std::string> ensure_pool(virConnectPtr c, const pool_def& pool);
result<std::optional<std::string>> find_volume(virConnectPtr c, const std::string& pool, const std::string& name);
result<std::string> create_volume(virConnectPtr c, const std::string& pool, const volume_spec& spec);
result<std::string> upload_volume(virConnectPtr c, const std::string& pool, const std::string& name,
                                  const std::string& local_file);
result<std::string> read_volume_tail(virConnectPtr c, const std::string& pool, const std::string& name,
                                     std::size_t max_bytes);
result<void> download_volume(virConnectPtr c, const std::string& pool, const std::string& name,
                             const std::string& local_file);
result<void> delete_volume(virConnectPtr c, const std::string& pool, const std::string& name);
result<void> resize_volume(virConnectPtr c, const std::string& pool, const std::string& name, std::int64_t bytes);

}  // namespace kumo::lv
