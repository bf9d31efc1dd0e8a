#include "session_store.hpp"

#include "kumo/core/json.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace kumo::cli {
namespace {

std::string config_dir() {
    if (const char* d = std::getenv("KUMO_CONFIG_DIR"))
        return d;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "/root") + "/.config/kumo";
}

}  // namespace

cli_session load_session() {
    cli_session s;
    std::ifstream in(config_dir() + "/cli.json");
    if (in) {
        json j = json::parse(in, nullptr, false);
        if (j.is_object()) {
            s.url = j.value("url", "");
            s.fingerprint = j.value("fingerprint", "");
            s.token = j.value("token", "");
        }
    }
    if (const char* v = std::getenv("KUMO_URL"))
        s.url = v;
    if (const char* v = std::getenv("KUMO_FINGERPRINT"))
        s.fingerprint = v;
    if (const char* v = std::getenv("KUMO_TOKEN"))
        s.token = v;
    return s;
}

result<void> save_session(const cli_session& s) {
    std::error_code ec;
    std::filesystem::create_directories(config_dir(), ec);
    const std::string path = config_dir() + "/cli.json";
    const std::string text = json{{"url", s.url}, {"fingerprint", s.fingerprint}, {"token", s.token}}.dump(2) + "\n";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        if (fd >= 0)
            ::close(fd);
        return make_error(errc::internal, "cannot write " + path);
    }
    ::close(fd);
    return {};
}

}  // namespace kumo::cli
