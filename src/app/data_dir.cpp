#include "data_dir.hpp"

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace kumo {

namespace fs = std::filesystem;

data_dir_lock::~data_dir_lock() {
    if (fd_ >= 0)
        ::close(fd_);  // releases the flock
}

result<void> probe_listen(const std::string& listen) {
    KUMO_TRY(const listen_address where, parse_listen(listen, "listen"));
    boost::asio::io_context io;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(where.host, ec);
    if (ec)
        return validation_error("listen", "not an IP address: " + where.host);
    boost::asio::ip::tcp::acceptor probe(io);
    const boost::asio::ip::tcp::endpoint ep(address, where.port);
    probe.open(ep.protocol(), ec);
    if (!ec)
        probe.set_option(boost::asio::socket_base::reuse_address(true), ec);
    if (!ec)
        probe.bind(ep, ec);
    if (ec)
        return make_error(errc::conflict, fmt::format("cannot listen on {}: {}", listen, ec.message()));
    return {};
}

result<data_dir_lock> lock_data_dir(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return make_error(errc::internal, "cannot create " + dir + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
    const std::string path = dir + "/kumo.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return make_error(errc::internal, fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    data_dir_lock held(fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = {};
        const auto n = ::pread(fd, pid, sizeof pid - 1, 0);
        const std::string holder = n > 0 ? std::string(pid, static_cast<std::size_t>(n)) : "unknown";
        return make_error(errc::conflict, fmt::format("another kumo process (pid {}) is using the data directory {}",
                                                      holder.substr(0, holder.find('\n')), dir));
    }
    const std::string mine = fmt::format("{}\n", ::getpid());
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, mine.data(), mine.size(), 0) != static_cast<ssize_t>(mine.size()))
        return make_error(errc::internal, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    return held;
}

}  // namespace kumo
