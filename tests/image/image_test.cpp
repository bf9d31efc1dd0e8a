// The image store against a real daemon and the real qemu-img: uploads and downloads, and every bad
// input the storage issue lists. Each refused upload must leave the image `killed` (or untouched, when
// refused before any byte was read), no file in the image directory, and no quota held.
#include "cli_runner.hpp"
#include "daemon_process.hpp"
#include "kumo/core/crypto.hpp"
#include "kumo/core/subprocess.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include "kumo_catch.hpp"

using namespace kumo;
using kumo::test::call;
using kumo::test::daemon_process;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMaxBytes = 4 << 20;

daemon_process& daemon() {
    static daemon_process d(test::make_temp_dir("kumo-images"), {"--simulate", "1", "--no-tls"},
                            {{"KUMO_IMAGE_MAX_BYTES", std::to_string(kMaxBytes)}});
    return d;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A file made by `qemu-img create` with the given arguments; returns its bytes.
std::string qemu_img_file(const std::vector<std::string>& args, const std::string& name) {
    const std::string path = daemon().data_dir() + "/" + name;
    std::vector<std::string> argv = {"qemu-img", "create", "-q"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end() - 1, path);  // the size comes last
    auto ran = run_process(argv, std::chrono::seconds(30));
    REQUIRE(ran);
    INFO(ran->err);
    REQUIRE(ran->exit_code == 0);
    return read_file(path);
}

std::string new_image(const cli::api_client& c, json body) {
    if (!body.contains("name"))
        body["name"] = "image";
    auto r = call(c, "POST", "/api/v1/images", body);
    INFO(r.body.dump());
    REQUIRE(r.status == 201);
    return r.body["id"];
}

cli::reply upload(const cli::api_client& c, const std::string& id, const std::string& bytes) {
    auto r = c.send("PUT", "/api/v1/images/" + id + "/file", std::nullopt, bytes, "application/octet-stream");
    REQUIRE(r);
    return *r;
}

json image_of(const std::string& id) {
    return call(daemon().admin(), "GET", "/api/v1/images/" + id).body;
}

// Nothing of the image on disk: neither its file nor a partial one.
bool no_file_for(const std::string& id) {
    const std::string dir = daemon().data_dir() + "/images/";
    return !fs::exists(dir + id) && !fs::exists(dir + id + ".part");
}

std::int64_t image_gb_in_use(const cli::api_client& c) {
    auto me = call(c, "GET", "/api/v1/auth/me").body;
    auto q = call(c, "GET", "/api/v1/projects/" + me["project"]["id"].get<std::string>() + "/quota").body;
    INFO(q.dump());
    return q["quota"]["image_gb"]["in_use"].get<std::int64_t>();
}

// Sends a request head and `body_part` on a plain TCP connection, then closes it without finishing.
void send_and_hang_up(const std::string& request_head, const std::string& body_part) {
    const std::string url = daemon().url();  // http://127.0.0.1:PORT
    const std::string port = url.substr(url.rfind(':') + 1);
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    boost::asio::connect(s, boost::asio::ip::tcp::resolver(io).resolve("127.0.0.1", port));
    boost::asio::write(s, boost::asio::buffer(request_head));
    boost::asio::write(s, boost::asio::buffer(body_part));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    s.close();
}

std::string admin_token() {
    auto r = call(daemon().anonymous(), "POST", "/api/v1/auth/tokens",
                  {{"username", "admin"}, {"password", test::kTestAdminPassword}});
    return r.body["token"];
}

json wait_status(const std::string& id, const std::string& not_this) {
    for (int i = 0; i < 100; ++i) {
        json img = image_of(id);
        if (img["status"] != not_this)
            return img;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return image_of(id);
}

}  // namespace

TEST_CASE("an uploaded qcow2 becomes active with its checksums and downloads byte for byte", "[images]") {
    auto admin = daemon().admin();
    const std::string bytes = qemu_img_file({"-f", "qcow2", "64M"}, "plain.qcow2");
    const std::string id = new_image(admin, {{"name", "plain"},
                                             {"disk_format", "qcow2"},
                                             {"min_ram_mb", 64},
                                             {"properties", {{"os_type", "linux"}}},
                                             {"expected_sha256", crypto::sha256_hex(bytes)}});
    CHECK(image_of(id)["status"] == "queued");
    auto r = upload(admin, id, bytes);
    INFO(r.body.dump());
    REQUIRE(r.status == 200);
    CHECK(r.body["status"] == "active");
    CHECK(r.body["disk_format"] == "qcow2");
    CHECK(r.body["size"] == bytes.size());
    CHECK(r.body["virtual_size"] == 64 << 20);
    CHECK(r.body["os_hash_value"] == crypto::sha256_hex(bytes));
    CHECK(r.body["checksum"].get<std::string>().size() == 32);
    CHECK(r.body["properties"]["os_type"] == "linux");

    auto down = admin.send("GET", "/api/v1/images/" + id + "/file");
    REQUIRE(down);
    CHECK(down->status == 200);
    CHECK(down->content_type == "application/octet-stream");
    CHECK(down->body["raw"].get<std::string>() == bytes);

    // Data is written once: a second upload is refused and changes nothing.
    CHECK(upload(admin, id, bytes).status == 409);
    CHECK(image_of(id)["status"] == "active");
    // Several chunks and a tail that is not a whole block (the last write leaves O_DIRECT) arrive intact.
    std::string odd((3 << 20) + 1536, '\0');  // whole sectors (raw disks must be), not whole 4 KiB blocks
    for (std::size_t i = 0; i < odd.size(); ++i)
        odd[i] = static_cast<char>((i * 2654435761u) >> 13);
    const std::string odd_id = new_image(admin, {{"name", "odd"}, {"disk_format", "raw"}});
    REQUIRE(upload(admin, odd_id, odd).status == 200);
    auto odd_down = admin.send("GET", "/api/v1/images/" + odd_id + "/file");
    REQUIRE(odd_down);
    CHECK(odd_down->body["raw"].get<std::string>() == odd);
    CHECK(image_of(odd_id)["os_hash_value"] == crypto::sha256_hex(odd));
    // Undeclared formats are detected.
    const std::string undeclared = new_image(admin, {{"name", "undeclared"}});
    CHECK(upload(admin, undeclared, bytes).body["disk_format"] == "qcow2");
}

TEST_CASE("host-file disclosure shapes and lying formats are refused and leave nothing", "[images]") {
    auto admin = daemon().admin();
    struct bad {
        const char* what;
        std::string bytes;
        json create;
        const char* field;
    };
    const std::vector<bad> cases = {
        {"qcow2 backed by a host file",
         qemu_img_file({"-f", "qcow2", "-F", "raw", "-b", "/etc/shadow", "1M"}, "b.qcow2"),
         {{"disk_format", "qcow2"}},
         "file"},
        {"qcow2 with an external data file",
         qemu_img_file({"-f", "qcow2", "-o", "data_file=" + daemon().data_dir() + "/data.raw", "1M"}, "d.qcow2"),
         json::object(), "file"},
        {"VMDK whose extent is another file",
         qemu_img_file({"-f", "vmdk", "-o", "subformat=monolithicFlat", "1M"}, "flat.vmdk"), json::object(), "file"},
        {"raw declared as qcow2", std::string(1 << 20, 'r'), {{"disk_format", "qcow2"}}, "disk_format"},
        {"an empty upload", std::string(), json::object(), "file"},
        {"a truncated qcow2",
         qemu_img_file({"-f", "qcow2", "1M"}, "t.qcow2").substr(0, 100),
         {{"disk_format", "qcow2"}},
         "file"},
        {"a checksum that does not match",
         std::string(4096, 'x'),
         {{"expected_sha256", std::string(64, 'a')}},
         "expected_sha256"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        const std::string id = new_image(admin, c.create);
        auto r = upload(admin, id, c.bytes);
        INFO(r.body.dump());
        CHECK(r.status == 422);
        REQUIRE(r.body["errors"].size() == 1);
        CHECK(r.body["errors"][0]["field"] == c.field);
        json img = image_of(id);
        CHECK(img["status"] == "killed");
        CHECK(!img["fault"].get<std::string>().empty());
        CHECK(img["fault"].get<std::string>().find("/images/") == std::string::npos);  // no server paths
        CHECK(img["size"].is_null());
        CHECK(no_file_for(id));
        // A killed image cannot be downloaded and can be deleted.
        CHECK(call(admin, "GET", "/api/v1/images/" + id + "/file").status == 409);
        CHECK(call(admin, "DELETE", "/api/v1/images/" + id).status == 204);
    }
    CHECK(image_gb_in_use(admin) <= 1);  // only the active images of the other cases
}

TEST_CASE("an upload cut off mid-stream is killed and releases its quota", "[images]") {
    auto admin = daemon().admin();
    const std::int64_t before = image_gb_in_use(admin);
    const std::string id = new_image(admin, {{"name", "cut"}});
    send_and_hang_up("PUT /api/v1/images/" + id + "/file HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                         admin_token() +
                         "\r\nContent-Type: application/octet-stream\r\nContent-Length: 3000000\r\n\r\n",
                     std::string(1200000, 'z'));
    json img = wait_status(id, "saving");
    CHECK(img["status"] == "killed");
    CHECK(img["fault"].get<std::string>().find("interrupted") != std::string::npos);
    CHECK(no_file_for(id));
    CHECK(image_gb_in_use(admin) == before);
}

TEST_CASE("size limits: a declared length over the maximum is refused before reading, a chunked one midway",
          "[images]") {
    auto admin = daemon().admin();
    const std::string declared = new_image(admin, {{"name", "too-big"}});
    auto r = upload(admin, declared, std::string(kMaxBytes + 1, 'b'));
    CHECK(r.status == 413);
    CHECK(image_of(declared)["status"] == "queued");  // nothing was read: the image may still be uploaded
    CHECK(no_file_for(declared));

    const std::string chunked = new_image(admin, {{"name", "too-big-chunked"}});
    const std::string chunk(1 << 20, 'c');
    std::string body;
    for (int i = 0; i < 5; ++i)
        body += fmt::format("{:x}\r\n", chunk.size()) + chunk + "\r\n";
    send_and_hang_up("PUT /api/v1/images/" + chunked + "/file HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                         admin_token() +
                         "\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
                     body + "0\r\n\r\n");
    json img = wait_status(chunked, "saving");
    CHECK(img["status"] == "killed");
    CHECK(img["fault"].get<std::string>().find("maximum") != std::string::npos);
    CHECK(no_file_for(chunked));

    // A project without image quota cannot upload at all.
    auto me = call(admin, "GET", "/api/v1/auth/me").body;
    const std::string project = me["project"]["id"];
    REQUIRE(call(admin, "PATCH", "/api/v1/projects/" + project + "/quota", {{"image_gb", 0}}).status == 200);
    const std::string over = new_image(admin, {{"name", "over-quota"}});
    auto refused = upload(admin, over, std::string(4096, 'q'));
    CHECK(refused.status == 409);
    CHECK(refused.body["code"] == "quota_exceeded");
    REQUIRE(call(admin, "PATCH", "/api/v1/projects/" + project + "/quota", {{"image_gb", -1}}).status == 200);
}

namespace {

// A download on a plain TCP connection read as a client on a slow link would: a small receive buffer
// (so the daemon sees every read), `chunk` bytes per read, `pause` between reads, after `first_wait`.
struct raw_download {
    std::string body;  // what arrived after the response head
    boost::system::error_code ended;
};

raw_download download_slowly(const daemon_process& d, const std::string& path, const std::string& token,
                             std::chrono::milliseconds pause, std::chrono::seconds first_wait) {
    const std::string port = d.url().substr(d.url().rfind(':') + 1);
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    s.open(boost::asio::ip::tcp::v4());
    s.set_option(boost::asio::socket_base::receive_buffer_size(64 << 10));
    s.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(port))});
    boost::asio::write(s, boost::asio::buffer("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                                              "Authorization: Bearer " + token + "\r\n\r\n"));
    std::this_thread::sleep_for(first_wait);
    const timeval wait_at_most{20, 0};  // a read waiting longer means the daemon neither sends nor closes
    REQUIRE(::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &wait_at_most, sizeof wait_at_most) == 0);
    raw_download got;
    std::string all;
    std::vector<char> buf(16 << 10);
    while (!got.ended) {
        all.append(buf.data(), s.read_some(boost::asio::buffer(buf), got.ended));
        std::this_thread::sleep_for(pause);
    }
    const auto head_end = all.find("\r\n\r\n");
    REQUIRE(head_end != std::string::npos);
    INFO(all.substr(0, head_end));
    REQUIRE(all.rfind("HTTP/1.1 200", 0) == 0);
    got.body = all.substr(head_end + 4);
    return got;
}

}  // namespace

TEST_CASE("downloads: a slow steady reader gets the whole image and a reader that stops is cut off", "[images]") {
    // Each piece of a download gets the request timeout as its deadline, not the whole download (as
    // nginx's send_timeout): 24 MiB read 16 KiB at a time with pauses outlasts a 2 s timeout and must
    // still arrive whole.
    daemon_process d(test::make_temp_dir("kumo-images-slow"), {"--simulate", "1", "--no-tls"},
                     {{"KUMO_REQUEST_TIMEOUT_S", "2"}});
    auto admin = d.admin();
    const std::string bytes(24 << 20, 'k');
    const std::string id = new_image(admin, {{"name", "big"}, {"disk_format", "raw"}});
    REQUIRE(upload(admin, id, bytes).status == 200);
    const std::string path = "/api/v1/images/" + id + "/file";
    const auto started = std::chrono::steady_clock::now();
    const raw_download steady =
        download_slowly(d, path, admin.token(), std::chrono::milliseconds(4), std::chrono::seconds(0));
    const auto took = std::chrono::steady_clock::now() - started;
    INFO(steady.ended.message() << " after " << steady.body.size() << " bytes in "
                                << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
    CHECK(steady.ended == boost::asio::error::eof);
    CHECK(steady.body.size() == bytes.size());
    CHECK(crypto::sha256_hex(steady.body) == crypto::sha256_hex(bytes));
    CHECK(took > std::chrono::seconds(2));  // the case this is about: longer than one deadline

    // A client that reads nothing after its request: once the socket buffers are full the daemon's
    // piece waits, and after the timeout the connection is closed (it used to stay open for an hour).
    const raw_download stalled =
        download_slowly(d, path, admin.token(), std::chrono::milliseconds(0), std::chrono::seconds(6));
    INFO(stalled.ended.message() << " after " << stalled.body.size() << " bytes");
    CHECK((stalled.ended == boost::asio::error::eof || stalled.ended == boost::asio::error::connection_reset));
    CHECK(stalled.body.size() < bytes.size());
    CHECK(d.stop() == 0);
}

TEST_CASE("protected images, odd names, visibility and sharing", "[images]") {
    auto admin = daemon().admin();
    const std::string raw(1 << 20, '\0');
    const std::string id = new_image(admin, {{"name", "../../../etc/passwd"}, {"protected", true}});
    REQUIRE(upload(admin, id, raw).status == 200);
    CHECK(image_of(id)["name"] == "../../../etc/passwd");
    CHECK(fs::exists(daemon().data_dir() + "/images/" + id));  // files are named by id only
    auto refused = call(admin, "DELETE", "/api/v1/images/" + id);
    CHECK(refused.status == 409);
    CHECK(refused.body["detail"].get<std::string>().find("protected") != std::string::npos);
    REQUIRE(call(admin, "PATCH", "/api/v1/images/" + id, {{"protected", false}}).status == 200);
    CHECK(call(admin, "DELETE", "/api/v1/images/" + id).status == 204);
    CHECK(no_file_for(id));
    CHECK(call(admin, "GET", "/api/v1/images/" + id).status == 404);

    // Another project's member: private images are invisible, shared ones visible once a member.
    const std::string other = call(admin, "POST", "/api/v1/projects", {{"name", "image-viewers"}}).body["id"];
    const std::string user =
        call(admin, "POST", "/api/v1/users", {{"name", "viewer"}, {"password", "long-enough-pw"}}).body["id"];
    REQUIRE(
        call(admin, "POST", "/api/v1/role-assignments", {{"role", "member"}, {"user_id", user}, {"project_id", other}})
            .status == 201);
    auto login = call(daemon().anonymous(), "POST", "/api/v1/auth/tokens",
                      {{"username", "viewer"}, {"password", "long-enough-pw"}, {"project", "image-viewers"}});
    REQUIRE(login.status == 201);
    cli::api_client viewer(daemon().url(), daemon().fingerprint(), login.body["token"]);

    const std::string mine = new_image(admin, {{"name", "mine"}});
    REQUIRE(upload(admin, mine, raw).status == 200);
    CHECK(call(viewer, "GET", "/api/v1/images/" + mine).status == 404);
    CHECK(call(viewer, "GET", "/api/v1/images/" + mine + "/file").status == 404);
    REQUIRE(call(admin, "PATCH", "/api/v1/images/" + mine, {{"visibility", "shared"}}).status == 200);
    CHECK(call(viewer, "GET", "/api/v1/images/" + mine).status == 404);  // not a member yet
    REQUIRE(call(admin, "PUT", "/api/v1/images/" + mine + "/members/" + other).status == 204);
    CHECK(call(viewer, "GET", "/api/v1/images/" + mine).status == 200);
    CHECK(call(viewer, "GET", "/api/v1/images/" + mine + "/file").status == 200);
    // Members may use an image, not change or delete it.
    CHECK(call(viewer, "PATCH", "/api/v1/images/" + mine, {{"name", "taken"}}).status == 403);
    CHECK(call(viewer, "DELETE", "/api/v1/images/" + mine).status == 403);
    // Only administrators publish.
    const std::string theirs = new_image(viewer, {{"name", "theirs"}});
    auto publish = call(viewer, "PATCH", "/api/v1/images/" + theirs, {{"visibility", "public"}});
    CHECK(publish.status == 403);
    CHECK(call(viewer, "POST", "/api/v1/images", {{"name", "p"}, {"visibility", "public"}}).status == 403);
    REQUIRE(call(admin, "DELETE", "/api/v1/images/" + mine + "/members/" + other).status == 204);
    CHECK(call(viewer, "GET", "/api/v1/images/" + mine).status == 404);
    // Bad fields are named.
    auto bad = call(admin, "POST", "/api/v1/images", {{"name", "x"}, {"disk_format", "exe"}});
    CHECK(bad.status == 422);
    CHECK(bad.body["errors"][0]["field"] == "disk_format");
}

namespace {

// A tiny HTTP server on loopback for imports: /image (the bytes), /missing (404), /loop (redirects to
// itself), /to-metadata (redirects to the cloud metadata address), /to-image (redirects to /image).
class file_server {
public:
    explicit file_server(std::string bytes) : bytes_(std::move(bytes)) {
        acceptor_.open(boost::asio::ip::tcp::v4());
        acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { serve(); });
    }
    ~file_server() {
        stopping_ = true;
        boost::system::error_code ec;
        boost::asio::ip::tcp::socket poke(io_);
        poke.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);  // wakes accept()
        thread_.join();
    }
    std::string url(const std::string& path) const { return fmt::format("http://127.0.0.1:{}{}", port_, path); }

private:
    void serve() {
        while (!stopping_) {
            boost::asio::ip::tcp::socket s(io_);
            boost::system::error_code ec;
            acceptor_.accept(s, ec);
            if (ec || stopping_)
                return;
            boost::asio::streambuf req;
            boost::asio::read_until(s, req, "\r\n\r\n", ec);
            std::istream in(&req);
            std::string method, path;
            in >> method >> path;
            std::string answer;
            if (path == "/slow") {  // the image in 20 pieces over about 2 s
                write_slowly(s);
                continue;
            }
            if (path == "/image")
                answer =
                    fmt::format("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", bytes_.size()) +
                    bytes_;
            else if (path == "/to-image")
                answer = "HTTP/1.1 302 Found\r\nLocation: /image\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            else if (path == "/to-metadata")
                answer =
                    "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data\r\n"
                    "Content-Length: 0\r\nConnection: close\r\n\r\n";
            else if (path == "/loop")
                answer = "HTTP/1.1 301 Moved\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            else
                answer = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            boost::asio::write(s, boost::asio::buffer(answer), ec);
        }
    }
    void write_slowly(boost::asio::ip::tcp::socket& s) {
        boost::system::error_code ec;
        const std::string head =
            fmt::format("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", bytes_.size());
        boost::asio::write(s, boost::asio::buffer(head), ec);
        const std::size_t piece = bytes_.size() / 20;
        for (std::size_t at = 0; at < bytes_.size() && !ec; at += piece) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            boost::asio::write(s, boost::asio::buffer(bytes_.data() + at, std::min(piece, bytes_.size() - at)), ec);
        }
    }

    std::string bytes_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_{io_};
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

cli::reply start_import(const cli::api_client& c, const std::string& id, const std::string& url) {
    return call(c, "POST", "/api/v1/images/" + id + "/import", {{"url", url}});
}

}  // namespace

TEST_CASE("URL imports refuse loopback, link-local and this machine's addresses", "[images]") {
    auto admin = daemon().admin();
    file_server server(std::string(1 << 20, 'i'));
    const std::string id = new_image(admin, {{"name", "imported"}});
    for (const std::string& url :
         {server.url("/image"), std::string("http://localhost/x"), std::string("http://[::1]/x"),
          std::string("http://169.254.169.254/latest/meta-data"), std::string("http://0.0.0.0:8443/")}) {
        INFO(url);
        auto r = start_import(admin, id, url);
        INFO(r.body.dump());
        CHECK(r.status == 403);
    }
    for (const std::string& url :
         {std::string("file:///etc/passwd"), std::string("gopher://x/"), std::string("http://user:pw@example.org/")}) {
        auto r = start_import(admin, id, url);
        CHECK(r.status == 422);
        CHECK(r.body["errors"][0]["field"] == "url");
    }
    CHECK(image_of(id)["status"] == "queued");  // refused before anything happened
}

TEST_CASE("URL imports from an allowed address: bytes checked, redirects re-checked and bounded", "[images]") {
    test::daemon_process allowing(test::make_temp_dir("kumo-import"), {"--simulate", "1", "--no-tls"},
                                  {{"KUMO_IMAGE_IMPORT_ALLOW", "127.0.0.1/32"}});
    auto admin = allowing.admin();
    const std::string bytes(3 << 20, 'j');
    file_server server(bytes);
    auto wait_done = [&](const std::string& id) {
        for (int i = 0; i < 100; ++i) {
            json img = call(admin, "GET", "/api/v1/images/" + id).body;
            if (img["status"] == "active" || img["status"] == "killed")
                return img;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return call(admin, "GET", "/api/v1/images/" + id).body;
    };
    auto imported = [&](const std::string& path) {
        auto made = call(admin, "POST", "/api/v1/images", {{"name", path}});
        REQUIRE(made.status == 201);
        const std::string id = made.body["id"];
        auto r = start_import(admin, id, server.url(path));
        INFO(r.body.dump());
        REQUIRE(r.status == 202);
        return wait_done(id);
    };
    json ok = imported("/to-image");
    CHECK(ok["status"] == "active");
    CHECK(ok["size"] == bytes.size());
    CHECK(ok["os_hash_value"] == crypto::sha256_hex(bytes));
    json metadata = imported("/to-metadata");
    CHECK(metadata["status"] == "killed");
    CHECK(metadata["fault"].get<std::string>().find("169.254.169.254") != std::string::npos);
    json loop = imported("/loop");
    CHECK(loop["status"] == "killed");
    CHECK(loop["fault"].get<std::string>().find("redirects") != std::string::npos);
    json missing = imported("/missing");
    CHECK(missing["status"] == "killed");
    CHECK(missing["fault"].get<std::string>().find("404") != std::string::npos);

    // The same import with the CLI, waiting until the image is active.
    const std::string cli_config = test::make_temp_dir("kumo-import-cli");
    test::kumo_login_admin(cli_config, allowing.url(), allowing.fingerprint());
    auto by_cli =
        test::kumo_cli(cli_config, "image create from-cli --url " + server.url("/to-image") + " --wait -o json");
    INFO(by_cli.out);
    REQUIRE(by_cli.code == 0);
    const json cli_image = json::parse(by_cli.out);
    CHECK(cli_image["status"] == "active");
    CHECK(call(admin, "GET", "/api/v1/images/" + cli_image["id"].get<std::string>()).body["os_hash_value"] ==
          crypto::sha256_hex(bytes));
    auto cli_refused = test::kumo_cli(cli_config, "image create refused --url " + server.url("/missing") + " --wait");
    INFO(cli_refused.out);
    CHECK(cli_refused.code == 1);  // the import failed: said, and the exit code says so
    CHECK(cli_refused.out.find("404") != std::string::npos);
    CHECK(allowing.stop() == 0);
}

TEST_CASE("with conversion on, disk images are stored as qcow2 with the stored file's checksums", "[images]") {
    daemon_process d(test::make_temp_dir("kumo-images-convert"), {"--simulate", "1"},
                     {{"KUMO_IMAGE_CONVERT_TO_QCOW2", "1"}});
    auto admin = d.admin();
    std::string raw(8 << 20, '\0');
    for (std::size_t i = 0; i < raw.size(); i += 4096)
        raw[i] = static_cast<char>(1 + (i >> 12) % 250);  // some data in every block
    auto made = call(admin, "POST", "/api/v1/images",
                     {{"name", "raw"}, {"disk_format", "raw"}, {"expected_sha256", crypto::sha256_hex(raw)}});
    REQUIRE(made.status == 201);
    const std::string id = made.body["id"];
    auto r = admin.send("PUT", "/api/v1/images/" + id + "/file", std::nullopt, raw, "application/octet-stream");
    REQUIRE(r);
    INFO(r->body.dump());
    REQUIRE(r->status == 200);  // the declared checksum is of the uploaded bytes
    CHECK(r->body["disk_format"] == "qcow2");
    CHECK(r->body["virtual_size"] == raw.size());
    auto down = admin.send("GET", "/api/v1/images/" + id + "/file");
    REQUIRE(down);
    const std::string stored = down->body["raw"].get<std::string>();
    CHECK(stored.substr(0, 4) == "QFI\xfb");
    CHECK(r->body["os_hash_value"] == crypto::sha256_hex(stored));
    CHECK(r->body["size"] == stored.size());
    // The stored qcow2 holds exactly the uploaded disk.
    const std::string back = d.data_dir() + "/back.qcow2";
    std::ofstream(back, std::ios::binary) << stored;
    auto converted =
        run_process({"qemu-img", "convert", "-f", "qcow2", "-O", "raw", back, back + ".raw"}, std::chrono::seconds(30));
    REQUIRE(converted);
    REQUIRE(converted->exit_code == 0);
    CHECK(read_file(back + ".raw") == raw);
    // qcow2 images and ISOs stay as they are.
    const std::string qcow2 = qemu_img_file({"-f", "qcow2", "16M"}, "keep.qcow2");
    auto kept = call(admin, "POST", "/api/v1/images", {{"name", "keep"}});
    auto up = admin.send("PUT", "/api/v1/images/" + kept.body["id"].get<std::string>() + "/file", std::nullopt, qcow2,
                         "application/octet-stream");
    REQUIRE(up);
    CHECK(up->body["os_hash_value"] == crypto::sha256_hex(qcow2));
    CHECK(d.stop() == 0);
}

TEST_CASE("SIGTERM waits for a URL import under way: the image is whole after the restart", "[images]") {
    const std::string dir = test::make_temp_dir("kumo-import-drain");
    const std::vector<std::pair<std::string, std::string>> env{{"KUMO_IMAGE_IMPORT_ALLOW", "127.0.0.1/32"},
                                                               {"KUMO_SHUTDOWN_GRACE_S", "60"}};
    const std::string bytes(2 << 20, 'd');
    file_server server(bytes);
    std::string id;
    {
        test::daemon_process d(dir, {"--simulate", "1"}, env);
        auto admin = d.admin();
        auto made = call(admin, "POST", "/api/v1/images", {{"name", "slow"}});
        REQUIRE(made.status == 201);
        id = made.body["id"];
        REQUIRE(start_import(admin, id, server.url("/slow")).status == 202);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a quarter of the bytes are in
        CHECK(call(admin, "GET", "/api/v1/images/" + id).body["status"] == "saving");
        CHECK(d.stop() == 0);  // returns once the import has ended (the shutdown grace is 60 s)
    }
    test::daemon_process again(dir, {"--simulate", "1"}, env);
    json img = call(again.admin(), "GET", "/api/v1/images/" + id).body;
    INFO(img.dump());
    CHECK(img["status"] == "active");
    CHECK(img["size"] == bytes.size());
    CHECK(img["os_hash_value"] == crypto::sha256_hex(bytes));
}
