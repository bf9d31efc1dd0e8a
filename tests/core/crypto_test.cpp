#include "kumo/core/crypto.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/core/text.hpp"

#include "kumo_catch.hpp"

using namespace kumo;

TEST_CASE("password hashes verify only the right password", "[crypto]") {
    const std::string h = crypto::hash_password("correct horse", 1000);
    CHECK(crypto::verify_password("correct horse", h));
    CHECK_FALSE(crypto::verify_password("correct hors", h));
    CHECK_FALSE(crypto::verify_password("correct horse", "pbkdf2-sha256$1000$zz$00"));
    CHECK_FALSE(crypto::verify_password("x", "md5$whatever"));
    CHECK(crypto::hash_password("a", 1000) != crypto::hash_password("a", 1000));  // salted
}

TEST_CASE("base64url round-trips and rejects foreign characters", "[crypto]") {
    const std::vector<std::string> samples{"",     "f",     "fo",     "foo",
                                           "foob", "fooba", "foobar", std::string("\x00\xff\x10", 3)};
    for (const auto& s : samples) {
        std::string back;
        REQUIRE(crypto::base64url_decode(crypto::base64url_encode(s), back));
        CHECK(back == s);
    }
    std::string out;
    CHECK_FALSE(crypto::base64url_decode("ab+/", out));
    CHECK(crypto::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("uuids are version 4 and validated", "[ids]") {
    const std::string u = new_uuid();
    CHECK(is_uuid(u));
    CHECK(u[14] == '4');
    CHECK_FALSE(is_uuid("not-a-uuid"));
    CHECK_FALSE(is_uuid("6f1c2b9e-8a53-4c1e-9d7a-2f4b5c6d7e8g"));
    CHECK(new_uuid() != u);
}

TEST_CASE("printable UTF-8 excludes control characters and bad encodings", "[text]") {
    CHECK(is_printable_utf8("web-01"));
    CHECK(is_printable_utf8("nœud-été 雲"));
    CHECK_FALSE(is_printable_utf8("a\nb"));
    CHECK_FALSE(is_printable_utf8("tab\t"));
    CHECK_FALSE(is_printable_utf8("\x7f"));
    CHECK_FALSE(is_printable_utf8("\xc2\x85"));  // NEL, a C1 control
    CHECK_FALSE(is_printable_utf8("\xc0\xaf"));  // overlong
    CHECK_FALSE(is_printable_utf8("\xff"));
}
