#include "session.hpp"

#include <fstream>
#include <sstream>

namespace kumo::api {
namespace {

const char* content_type_of(const std::string& path) {
    auto dot = path.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
    if (ext == "html")
        return "text/html; charset=utf-8";
    if (ext == "js")
        return "text/javascript; charset=utf-8";
    if (ext == "css")
        return "text/css; charset=utf-8";
    if (ext == "json")
        return "application/json";
    if (ext == "svg")
        return "image/svg+xml";
    if (ext == "png")
        return "image/png";
    return "application/octet-stream";
}

}  // namespace

response static_file(const std::string& web_dir, const std::string& path) {
    std::string rel = path == "/" ? "/index.html" : path;
    // Only plain names: no "..", no hidden files, nothing that could step outside web_dir.
    if (rel.find("..") != std::string::npos || rel.find("/.") != std::string::npos ||
        rel.find('\\') != std::string::npos || rel.find('\0') != std::string::npos)
        return problem(make_error(errc::not_found, "no such file"), "");
    std::ifstream in(web_dir + rel, std::ios::binary);
    if (!in)
        return problem(make_error(errc::not_found, "no such file"), "");
    std::ostringstream ss;
    ss << in.rdbuf();
    response r{http::status::ok, nullptr, {}, content_type_of(rel), ss.str()};
    r.headers.emplace_back("Content-Security-Policy", "default-src 'self'; connect-src 'self'; frame-ancestors 'none'");
    r.headers.emplace_back("X-Frame-Options", "DENY");
    return r;
}

}  // namespace kumo::api
