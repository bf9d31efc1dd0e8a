#include "libvirt_storage.hpp"

#include "kumo/hypervisor/domain_xml.hpp"
#include "libvirt_error.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <libvirt/virterror.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <functional>
#include <vector>

namespace kumo::lv {
namespace {

struct pool_ptr {
    virStoragePoolPtr p = nullptr;
    ~pool_ptr() {
        if (p)
            virStoragePoolFree(p);
    }
};
struct volume_ptr {
    virStorageVolPtr p = nullptr;
    ~volume_ptr() {
        if (p)
            virStorageVolFree(p);
    }
};
struct stream_ptr {
    virStreamPtr p = nullptr;
    bool finished = false;
    ~stream_ptr() {
        if (!p)
            return;
        if (!finished)
            virStreamAbort(p);
        virStreamFree(p);
    }
};

result<virStoragePoolPtr> open_pool(virConnectPtr c, const std::string& pool) {
    virStoragePoolPtr p = virStoragePoolLookupByName(c, pool.c_str());
    if (!p)
        return last_error("storage pool " + pool);
    return p;
}

std::string path_of(virStorageVolPtr v) {
    char* raw = virStorageVolGetPath(v);
    std::string path = raw ? raw : "";
    free(raw);
    return path;
}

// Looks the volume up, refreshing the pool once when it is unknown (files written behind libvirt's
// back, such as console logs, appear only after a refresh).
virStorageVolPtr lookup(virStoragePoolPtr p, const std::string& name) {
    virStorageVolPtr v = virStorageVolLookupByName(p, name.c_str());
    if (v)
        return v;
    virResetLastError();
    if (virStoragePoolRefresh(p, 0) < 0)
        return nullptr;
    return virStorageVolLookupByName(p, name.c_str());
}

std::string pool_desc(virStoragePoolPtr p) {
    char* xml = virStoragePoolGetXMLDesc(p, 0);
    std::string desc = xml ? xml : "";
    free(xml);
    return desc;
}

bool is_logical(virStoragePoolPtr p) {
    return pool_desc(p).find("<pool type='logical'") != std::string::npos;
}

// Logical volumes are raw block devices: no format, no file permissions, and fully allocated (libvirt
// makes an LV with a smaller allocation a sparse LVM snapshot, which fails once it fills up).
std::string volume_xml(const volume_spec& s, bool logical) {
    std::string x = fmt::format("<volume>\n  <name>{}</name>\n  <capacity unit='bytes'>{}</capacity>\n",
                                xml_escape(s.name), s.capacity_bytes);
    x += fmt::format("  <allocation unit='bytes'>{}</allocation>\n", logical ? s.capacity_bytes : 0);
    if (!logical)
        x += fmt::format(
            "  <target>\n    <format type='{}'/>\n    <permissions><mode>0600</mode></permissions>\n  </target>\n",
            xml_escape(s.format));
    if (!s.backing_path.empty())
        x += fmt::format("  <backingStore>\n    <path>{}</path>\n    <format type='{}'/>\n  </backingStore>\n",
                         xml_escape(s.backing_path), xml_escape(s.backing_format));
    x += "</volume>\n";
    return x;
}

}  // namespace

result<std::string> ensure_pool(virConnectPtr c, const pool_def& pool) {
    pool_ptr p{virStoragePoolLookupByName(c, pool.name.c_str())};
    if (!p.p) {
        virResetLastError();
        const std::string xml = render_pool_xml(pool);
        p.p = virStoragePoolDefineXML(c, xml.c_str(), 0);
        if (!p.p)
            return last_error("define storage pool " + pool.name);
        // A directory is made here; a volume group must exist (building one would format disks).
        if (!pool.block() && virStoragePoolBuild(p.p, 0) < 0)
            return last_error("build storage pool " + pool.name);
        virStoragePoolSetAutostart(p.p, 1);
    }
    int active = virStoragePoolIsActive(p.p);
    if (active == 0 && virStoragePoolCreate(p.p, 0) < 0)
        return last_error("start storage pool " + pool.name);
    const std::string desc = pool_desc(p.p);
    auto open = desc.find("<path>");
    auto close = desc.find("</path>");
    if (open == std::string::npos || close == std::string::npos)
        return make_error(errc::internal, "storage pool " + pool.name + " has no path");
    return desc.substr(open + 6, close - open - 6);
}

result<std::optional<std::string>> find_volume(virConnectPtr c, const std::string& pool, const std::string& name) {
    KUMO_TRY(auto raw, open_pool(c, pool));
    pool_ptr p{raw};
    volume_ptr v{lookup(p.p, name)};
    if (!v.p) {
        error e = last_error("volume " + name);
        if (e.code == errc::not_found)
            return std::optional<std::string>();
        return e;
    }
    return std::optional<std::string>(path_of(v.p));
}

result<std::string> create_volume(virConnectPtr c, const std::string& pool, const volume_spec& spec) {
    KUMO_TRY(auto raw, open_pool(c, pool));
    pool_ptr p{raw};
    // Drivers report an existing volume differently (the test driver: "operation failed"); ask first.
    if (volume_ptr existing{virStorageVolLookupByName(p.p, spec.name.c_str())}; existing.p)
        return make_error(errc::conflict, "create volume: storage volume " + spec.name + " already exists");
    virResetLastError();
    const std::string xml = volume_xml(spec, is_logical(p.p));
    volume_ptr v;
    if (!spec.copy_of.empty()) {
        pool_ptr other;
        if (!spec.copy_of_pool.empty() && spec.copy_of_pool != pool) {
            KUMO_TRY(other.p, open_pool(c, spec.copy_of_pool));
        }
        volume_ptr source{virStorageVolLookupByName(other.p ? other.p : p.p, spec.copy_of.c_str())};
        if (!source.p)
            return last_error("volume " + spec.copy_of);
        v.p = virStorageVolCreateXMLFrom(p.p, xml.c_str(), source.p, 0);
    } else {
        v.p = virStorageVolCreateXML(p.p, xml.c_str(), 0);
    }
    if (!v.p)
        return last_error("create volume " + spec.name);
    return path_of(v.p);
}

result<std::string> upload_volume(virConnectPtr c, const std::string& pool, const std::string& name,
                                  const std::string& local_file) {
    const int fd = ::open(local_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return make_error(errc::internal, "cannot open " + local_file);
    struct stat st {};
    ::fstat(fd, &st);
    struct fd_closer {
        int fd;
        ~fd_closer() { ::close(fd); }
    } closer{fd};
    volume_spec spec{name, "raw", static_cast<std::int64_t>(st.st_size), "", "", ""};
    KUMO_TRY(auto path, create_volume(c, pool, spec));
    KUMO_TRY(auto raw, open_pool(c, pool));
    pool_ptr p{raw};
    volume_ptr v{virStorageVolLookupByName(p.p, name.c_str())};
    stream_ptr s{virStreamNew(c, 0)};
    auto failed = [&](const char* what) -> error {
        error e = last_error(what);
        virStorageVolDelete(v.p, 0);  // no half-uploaded volume stays behind
        return e;
    };
    if (!v.p || !s.p || virStorageVolUpload(v.p, s.p, 0, static_cast<unsigned long long>(st.st_size), 0) < 0)
        return failed("upload volume");
    std::vector<char> buf(1 << 20);
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0)
            return failed("read image file");
        if (n == 0)
            break;
        for (ssize_t sent = 0; sent < n;) {
            int w = virStreamSend(s.p, buf.data() + sent, static_cast<size_t>(n - sent));
            if (w < 0)
                return failed("send volume data");
            sent += w;
        }
    }
    if (virStreamFinish(s.p) < 0)
        return failed("finish volume upload");
    s.finished = true;
    return path;
}

namespace {

// Downloads [offset, offset + length) of the volume (length 0: to its end), handing each piece to `sink`
// (false: stop with an error).
result<void> download(virConnectPtr c, const std::string& pool, const std::string& name, unsigned long long offset,
                      unsigned long long length, const std::function<bool(const char*, std::size_t)>& sink) {
    KUMO_TRY(auto raw, open_pool(c, pool));
    pool_ptr p{raw};
    volume_ptr v{lookup(p.p, name)};
    if (!v.p)
        return last_error("volume " + name);
    stream_ptr s{virStreamNew(c, 0)};
    if (!s.p || virStorageVolDownload(v.p, s.p, offset, length, 0) < 0)
        return last_error("download volume " + name);
    std::vector<char> buf(1 << 20);
    for (;;) {
        int n = virStreamRecv(s.p, buf.data(), buf.size());
        if (n < 0)
            return last_error("read volume " + name);
        if (n == 0)
            break;
        if (!sink(buf.data(), static_cast<std::size_t>(n)))
            return make_error(errc::internal, "cannot store the data of volume " + name);
    }
    if (virStreamFinish(s.p) < 0)
        return last_error("finish download of volume " + name);
    s.finished = true;
    return {};
}

}  // namespace

result<std::string> read_volume_tail(virConnectPtr c, const std::string& pool, const std::string& name,
                                     std::size_t max_bytes) {
    unsigned long long size = 0;
    {
        KUMO_TRY(auto raw, open_pool(c, pool));
        pool_ptr p{raw};
        volume_ptr v{lookup(p.p, name)};
        if (!v.p)
            return last_error("volume " + name);
        virStorageVolInfo info{};
        if (virStorageVolGetInfoFlags(v.p, &info, VIR_STORAGE_VOL_GET_PHYSICAL) < 0)
            return last_error("volume info " + name);
        size = info.capacity;
    }
    const unsigned long long offset = size > max_bytes ? size - max_bytes : 0;
    std::string out;
    if (size == offset)
        return out;
    auto append = [&out](const char* data, std::size_t n) {
        out.append(data, n);
        return true;
    };
    KUMO_TRY_VOID(download(c, pool, name, offset, size - offset, append));
    return out;
}

result<void> download_volume(virConnectPtr c, const std::string& pool, const std::string& name,
                             const std::string& local_file) {
    const int fd = ::open(local_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return make_error(errc::internal, "cannot create " + local_file);
    auto write_all = [fd](const char* data, std::size_t n) {
        while (n > 0) {
            const ssize_t w = ::write(fd, data, n);
            if (w <= 0)
                return false;
            data += w;
            n -= static_cast<std::size_t>(w);
        }
        return true;
    };
    auto done = download(c, pool, name, 0, 0, write_all);
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (done && !synced)
        return make_error(errc::internal, "cannot sync " + local_file);
    if (!done)
        ::unlink(local_file.c_str());
    return done;
}

result<void> delete_volume(virConnectPtr c, const std::string& pool, const std::string& name) {
    KUMO_TRY(auto raw, open_pool(c, pool));
    pool_ptr p{raw};
    volume_ptr v{lookup(p.p, name)};
    if (!v.p) {
        error e = last_error("volume " + name);
        if (e.code == errc::not_found)
            return {};
        return e;
    }
    if (virStorageVolDelete(v.p, 0) < 0)
        return last_error("delete volume " + name);
    return {};
}

result<void> resize_volume(virConnectPtr c, const std::string& pool, const std::string& name, std::int64_t bytes) {
    KUMO_TRY(auto raw, open_pool(c, pool));
    pool_ptr p{raw};
    volume_ptr v{lookup(p.p, name)};
    if (!v.p)
        return last_error("volume " + name);
    if (virStorageVolResize(v.p, static_cast<unsigned long long>(bytes), 0) < 0)
        return last_error("resize volume " + name);
    return {};
}

}  // namespace kumo::lv
