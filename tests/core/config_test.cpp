#include "kumo/core/config.hpp"

#include "kumo_catch.hpp"

#include <fstream>
#include <sstream>

using namespace kumo;

TEST_CASE("config uses embedded defaults when no layer sets a key", "[config]") {
    auto c = build_config({});
    REQUIRE(c);
    CHECK(c->listen == "127.0.0.1:8443");
    CHECK(c->tls);
    CHECK(c->simulate == 0);
}

TEST_CASE("config layers: file < environment < flags", "[config]") {
    config_layers l;
    l.file_text = R"({"listen": "127.0.0.1:1000", "simulate": 1, "log_level": "warn"})";
    l.file_name = "kumo.json";
    l.env = {{"KUMO_SIMULATE", "2"}, {"KUMO_LOG_LEVEL", "error"}};
    l.flags = {{"simulate", "3"}};
    auto c = build_config(l);
    REQUIRE(c);
    CHECK(c->listen == "127.0.0.1:1000");  // only the file sets it
    CHECK(c->log_level == "error");        // env beats the file
    CHECK(c->simulate == 3);               // flags beat env
    config_layers ratio;
    ratio.env = {{"KUMO_CPU_ALLOCATION_RATIO", "16.5"}};
    CHECK(build_config(ratio)->cpu_allocation_ratio == 16.5);
}

TEST_CASE("config rejects unknown keys and bad values, naming them", "[config]") {
    struct row {
        config_layers layers;
        std::string field;
    };
    std::vector<row> rows;
    rows.push_back({{R"({"lisen": "x"})", "kumo.json", {}, {}}, "kumo.json:lisen"});
    rows.push_back({{R"({"simulate": "three"})", "kumo.json", {}, {}}, "kumo.json:simulate"});
    rows.push_back({{R"([1,2])", "kumo.json", {}, {}}, "kumo.json"});
    rows.push_back({{R"({oops)", "kumo.json", {}, {}}, "kumo.json"});
    rows.push_back({{std::nullopt, "", {{"KUMO_SIMULATE", "-1"}}, {}}, "KUMO_SIMULATE"});
    rows.push_back({{std::nullopt, "", {{"KUMO_TLS", "maybe"}}, {}}, "KUMO_TLS"});
    rows.push_back({{std::nullopt, "", {}, {{"listen", "localhost:80"}}}, "--listen"});
    rows.push_back({{std::nullopt, "", {}, {{"listen", "127.0.0.1:99999"}}}, "--listen"});
    rows.push_back({{std::nullopt, "", {}, {{"data_dir", "relative/path"}}}, "--data_dir"});
    rows.push_back({{std::nullopt, "", {}, {{"virt_type", "lxc"}}}, "--virt_type"});
    rows.push_back({{std::nullopt, "", {{"KUMO_CPU_ALLOCATION_RATIO", "lots"}}, {}}, "KUMO_CPU_ALLOCATION_RATIO"});
    rows.push_back({{R"({"ram_allocation_ratio": 0})", "kumo.json", {}, {}}, "kumo.json:ram_allocation_ratio"});
    for (const auto& r : rows) {
        auto c = build_config(r.layers);
        INFO(r.field);
        REQUIRE_FALSE(c);
        CHECK(c.error().code == errc::validation_failed);
        REQUIRE(c.error().fields.size() == 1);
        CHECK(c.error().fields[0].field == r.field);
    }
}

TEST_CASE("config refuses plain HTTP on a non-loopback address", "[config]") {
    config_layers l;
    l.flags = {{"tls", "false"}, {"listen", "0.0.0.0:8080"}};
    auto c = build_config(l);
    REQUIRE_FALSE(c);
    CHECK(c.error().fields[0].field == "tls");
    l.flags["listen"] = "127.0.0.1:8080";
    CHECK(build_config(l));
    l.flags["listen"] = "[::1]:8080";
    CHECK(build_config(l));
}

TEST_CASE("the shipped and example config files are valid", "[config]") {
    for (const char* rel : {"/examples/kumo.json", "/packaging/kumo.json"}) {
        const std::string path = std::string(KUMO_SOURCE_DIR) + rel;
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        config_layers l;
        l.file_text = ss.str();
        l.file_name = path;
        INFO(path);
        auto c = build_config(l);
        CHECK(c);
    }
}

TEST_CASE("volume types map to pools: directories, shared directories, LVM volume groups", "[config]") {
    config_layers l;
    l.file_name = "kumo.json";
    l.file_text = R"({"volume_types": {
        "bulk": {"kind": "dir", "pool": "kumo-bulk", "path": "/srv/bulk", "description": "big disks"},
        "nfs": {"kind": "shared", "pool": "kumo-nfs", "path": "/mnt/nfs"},
        "fast": {"kind": "logical", "pool": "kumo-lvm", "volume_group": "vg_ssd"}}})";
    auto c = build_config(l);
    REQUIRE(c);
    REQUIRE(c->volume_types.size() == 3);
    const pool_def bulk = c->pool_of_type("bulk").value();
    CHECK(bulk.name == "kumo-bulk");
    CHECK(bulk.path == "/srv/bulk");
    CHECK_FALSE(bulk.shared);
    CHECK_FALSE(bulk.block());
    CHECK(c->pool_of_type("nfs")->shared);
    const pool_def fast = c->pool_of_type("fast").value();
    CHECK(fast.block());
    CHECK(fast.path == "/dev/vg_ssd");
    CHECK(c->pool_of_type("default")->name == "kumo");  // the main pool
    CHECK(c->pool_of_type("")->path == "/var/lib/kumo/pool");
    CHECK_FALSE(c->pool_of_type("nope"));

    config_layers env;  // JSON text in the environment
    env.env = {{"KUMO_VOLUME_TYPES", R"({"x": {"kind": "dir", "pool": "px", "path": "/x"}})"}};
    CHECK(build_config(env)->pool_of_type("x")->path == "/x");
}

TEST_CASE("bad volume types are refused, naming the entry and its setting", "[config]") {
    const std::vector<std::pair<std::string, std::string>> rows = {
        {R"({"f": {"kind": "nfs", "pool": "p", "path": "/x"}})", "volume_types.f.kind"},
        {R"({"f": {"kind": "dir", "pool": "kumo", "path": "/x"}})", "volume_types.f.pool"},  // the main pool
        {R"({"f": {"kind": "dir", "pool": "Bad Name", "path": "/x"}})", "volume_types.f.pool"},
        {R"({"f": {"kind": "dir", "pool": "p"}})", "volume_types.f.path"},
        {R"({"f": {"kind": "dir", "pool": "p", "path": "/x/../etc"}})", "volume_types.f.path"},
        {R"({"f": {"kind": "logical", "pool": "p", "volume_group": "-rf"}})", "volume_types.f.volume_group"},
        {R"({"f": {"kind": "logical", "pool": "p", "volume_group": "vg/x"}})", "volume_types.f.volume_group"},
        {R"({"f": {"kind": "dir", "pool": "p", "path": "/x", "size": 1}})", "volume_types.f.size"},
        {R"({"default": {"kind": "dir", "pool": "p", "path": "/x"}})", "volume_types.default"},
        {R"({"a": {"kind": "dir", "pool": "p", "path": "/x"}, "b": {"kind": "dir", "pool": "p", "path": "/y"}})",
         "volume_types.b.pool"},
        {R"([1])", "volume_types"},
    };
    for (const auto& [text, field] : rows) {
        config_layers l;
        l.env = {{"KUMO_VOLUME_TYPES", text}};
        auto c = build_config(l);
        INFO(text);
        REQUIRE_FALSE(c);
        REQUIRE(c.error().fields.size() == 1);
        CHECK(c.error().fields[0].field == field);
    }
}
