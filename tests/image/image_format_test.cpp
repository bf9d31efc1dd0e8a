// Content rules of the image store: what qemu-img reports is parsed, and the host-file-disclosure
// shapes (backing file, external data file, VMDK extents elsewhere, declared != detected) are refused.
// The JSON is what qemu-img 7.2 prints for such files (captured with `qemu-img info --output=json`).
#include "image_format.hpp"
#include "kumo_catch.hpp"

using namespace kumo;

namespace {

constexpr std::int64_t kMax = 1LL << 40;

image_probe probe_of(const std::string& json_text, const std::string& path = "/data/img.part") {
    auto p = parse_qemu_img_info(json_text, path);
    REQUIRE(p);
    return *p;
}

std::string field_of(const result<image_verdict>& v) {
    REQUIRE_FALSE(v);
    REQUIRE(v.error().fields.size() == 1);
    return v.error().fields[0].field;
}

}  // namespace

TEST_CASE("a plain qcow2 is accepted with its virtual size", "[image]") {
    auto p = probe_of(R"({"virtual-size": 104857600, "filename": "/data/img.part", "format": "qcow2",
        "format-specific": {"type": "qcow2", "data": {"compat": "1.1"}}})");
    auto v = judge_image(p, "qcow2", 196616, kMax);
    REQUIRE(v);
    CHECK(v->disk_format == "qcow2");
    CHECK(v->virtual_size == 104857600);
    CHECK(judge_image(p, "", 196616, kMax)->disk_format == "qcow2");  // undeclared: the content decides
}

TEST_CASE("a qcow2 naming a backing file is refused", "[image]") {
    auto p = probe_of(R"({"virtual-size": 1048576, "format": "qcow2", "backing-filename": "/etc/shadow",
        "backing-filename-format": "raw", "full-backing-filename": "/etc/shadow"})");
    auto v = judge_image(p, "qcow2", 196616, kMax);
    CHECK(field_of(v) == "file");
    CHECK(v.error().detail.find("/etc/shadow") != std::string::npos);
}

TEST_CASE("a qcow2 with an external data file is refused", "[image]") {
    auto p = probe_of(R"({"virtual-size": 1048576, "format": "qcow2", "format-specific": {"type": "qcow2",
        "data": {"compat": "1.1", "data-file": "/dev/sda", "data-file-raw": false}}})");
    CHECK(field_of(judge_image(p, "", 200704, kMax)) == "file");
}

TEST_CASE("VMDK descriptors pointing at other files are refused, monolithic sparse ones accepted", "[image]") {
    auto flat = probe_of(R"({"virtual-size": 1048576, "format": "vmdk", "format-specific": {"type": "vmdk",
        "data": {"create-type": "monolithicFlat", "extents": [{"filename": "/etc/passwd", "format": "FLAT"}]}}})");
    CHECK(flat.vmdk_foreign_extent);
    CHECK(field_of(judge_image(flat, "vmdk", 512, kMax)) == "file");
    auto sparse = probe_of(R"({"virtual-size": 1048576, "format": "vmdk", "format-specific": {"type": "vmdk",
        "data": {"create-type": "monolithicSparse", "extents": [{"filename": "/data/img.part",
        "format": "SPARSE"}]}}})");
    CHECK(judge_image(sparse, "vmdk", 65536, kMax));
}

TEST_CASE("declared and detected formats must agree", "[image]") {
    auto raw = probe_of(R"({"virtual-size": 1048576, "format": "raw"})");
    auto v = judge_image(raw, "qcow2", 1048576, kMax);
    CHECK(field_of(v) == "disk_format");
    CHECK(v.error().detail.find("content is raw") != std::string::npos);
    CHECK(judge_image(raw, "raw", 1048576, kMax));
}

TEST_CASE("a raw disk is whole sectors and at least 1 MiB; a 24-byte text file is no disk", "[image]") {
    auto text = probe_of(R"({"virtual-size": 24, "format": "raw"})");
    CHECK(field_of(judge_image(text, "raw", 24, kMax)) == "file");
    CHECK(field_of(judge_image(text, "", 24, kMax)) == "file");
    auto odd = probe_of(R"({"virtual-size": 1049000, "format": "raw"})");
    CHECK(field_of(judge_image(odd, "raw", 1049000, kMax)) == "file");  // not whole sectors
    auto small = probe_of(R"({"virtual-size": 4096, "format": "raw"})");
    CHECK(field_of(judge_image(small, "raw", 4096, kMax)) == "file");  // whole sectors, too small
    auto disk = probe_of(R"({"virtual-size": 1049088, "format": "raw"})");
    CHECK(judge_image(disk, "raw", 1049088, kMax));  // 1 MiB + one sector
    auto kernel = probe_of(R"({"virtual-size": 4099, "format": "raw"})");
    kernel.sniffed = "aki";  // kernels keep their own sizes
    CHECK(judge_image(kernel, "aki", 4099, kMax));
}

TEST_CASE("raw bytes are told apart by their magic: ISO, kernel, ramdisk", "[image]") {
    std::string iso(40000, '\0');
    iso.replace(32769, 5, "CD001");
    CHECK(sniff_format(iso) == "iso");
    std::string kernel(4096, '\0');
    kernel.replace(0x202, 4, "HdrS");
    CHECK(sniff_format(kernel) == "aki");
    CHECK(sniff_format(std::string("\x1f\x8b\x08\x00", 4)) == "ari");
    CHECK(sniff_format("070701000000") == "ari");
    CHECK(sniff_format(std::string(512, 'x')).empty());
    CHECK(sniff_format("").empty());

    auto raw = probe_of(R"({"virtual-size": 40960, "format": "raw"})");
    raw.sniffed = "iso";
    CHECK(judge_image(raw, "iso", 40960, kMax)->disk_format == "iso");
    CHECK(field_of(judge_image(raw, "raw", 40960, kMax)) == "disk_format");
}

TEST_CASE("empty, oversized, unsupported and unreadable images are refused", "[image]") {
    auto raw = probe_of(R"({"virtual-size": 1048576, "format": "raw"})");
    CHECK(field_of(judge_image(raw, "", 0, kMax)) == "file");
    CHECK(field_of(judge_image(raw, "", 1048576, 1024)) == "file");
    auto qed = probe_of(R"({"virtual-size": 1048576, "format": "qed"})");
    CHECK(field_of(judge_image(qed, "", 4096, kMax)) == "file");
    CHECK(judge_image(probe_of(R"({"virtual-size": 1048576, "format": "vpc"})"), "vhd", 4096, kMax)->disk_format ==
          "vhd");
    CHECK_FALSE(parse_qemu_img_info("not json", "/x"));
    CHECK_FALSE(parse_qemu_img_info(R"({"format": "raw"})", "/x"));
}
