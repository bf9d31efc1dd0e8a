#include "kumo/host/claim_repo.hpp"

#include "kumo/core/json.hpp"

namespace kumo::repo {

void insert_claim(sql::database& db, std::string_view vm_id, std::string_view host_id, const claim_usage& c,
                  std::string_view now) {
    db.prepare("INSERT INTO claims (vm_id, host_id, vcpus, ram_mb, disk_gb, created_at) VALUES (?,?,?,?,?,?)")
        ->bind_all(vm_id, host_id, c.vcpus, c.ram_mb, c.disk_gb, now)
        .exec();
}

void release_claims(sql::database& db, std::string_view vm_id, std::string_view host_id) {
    db.prepare("DELETE FROM claims WHERE vm_id = ?1 AND (?2 = '' OR host_id = ?2)")
        ->bind_all(vm_id, std::string(host_id))
        .exec();  // an empty view binds NULL
}

void release_claims_on_host(sql::database& db, std::string_view host_id) {
    db.prepare("DELETE FROM claims WHERE host_id = ?")->bind_all(host_id).exec();
}

std::map<std::string, claim_usage> claims_by_host(sql::database& db) {
    auto st =
        db.prepare("SELECT host_id, SUM(vcpus), SUM(ram_mb), SUM(disk_gb), COUNT(*) FROM claims GROUP BY host_id");
    std::map<std::string, claim_usage> out;
    while (st->step())
        out[st->text(0)] = claim_usage{st->integer(1), st->int64(2), st->int64(3), st->integer(4)};
    return out;
}

std::map<std::string, int> claim_hosts_of(sql::database& db, const std::vector<std::string>& vm_ids) {
    auto st = db.prepare(
        "SELECT host_id, COUNT(*) FROM claims WHERE vm_id IN (SELECT value FROM json_each(?1)) GROUP BY host_id");
    st->bind(1, json(vm_ids).dump());
    std::map<std::string, int> out;
    while (st->step())
        out[st->text(0)] = st->integer(1);
    return out;
}

}  // namespace kumo::repo
