// The audit log's hash chain, and quota limits and usage.
#include "identity_repo.hpp"

namespace kumo::repo {
namespace {

#define KUMO_AUDIT_COLUMNS                                                                                    \
    "SELECT seq, time, user_id, user_name, project_id, domain_id, remote, request_id, method, path, action, " \
    "target, outcome, status, prev_hash, hash FROM audit_log "

audit_entry read_audit(sql::statement& st) {
    audit_entry e;
    e.seq = st.int64(0);
    e.time = st.text(1);
    e.user_id = st.text(2);
    e.user_name = st.text(3);
    e.project_id = st.text(4);
    e.domain_id = st.text(5);
    e.remote = st.text(6);
    e.request_id = st.text(7);
    e.method = st.text(8);
    e.path = st.text(9);
    e.action = st.text(10);
    e.target = st.text(11);
    e.outcome = st.text(12);
    e.status = st.integer(13);
    e.prev_hash = st.text(14);
    e.hash = st.text(15);
    return e;
}

}  // namespace

void append_audit(sql::database& db, audit_entry e, const std::string& key) {
    {
        auto last = db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        e.seq = 1;
        e.prev_hash.clear();
        if (last->step()) {
            e.seq = last->int64(0) + 1;
            e.prev_hash = last->text(1);
        }
    }
    e.hash = audit_hash(e, key);
    db.prepare(
          "INSERT INTO audit_log (seq, time, user_id, user_name, project_id, domain_id, remote, request_id, method, "
          "path, action, target, outcome, status, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        ->bind_all(e.seq, e.time, e.user_id, e.user_name, e.project_id, e.domain_id, e.remote, e.request_id, e.method,
                   e.path, e.action, e.target, e.outcome, e.status, e.prev_hash, e.hash)
        .exec();
}

std::vector<audit_entry> list_audit(sql::database& db, const audit_query& q) {
    auto st = db.prepare(KUMO_AUDIT_COLUMNS
                         "WHERE (?1 = '' OR user_id = ?1) AND (?2 = '' OR project_id = ?2) "
                         "AND (?3 = '' OR domain_id = ?3) AND (?4 = '' OR action = ?4) AND (?5 = '' OR outcome = ?5) "
                         "AND (?6 = '' OR time >= ?6) AND (?7 = '' OR time < ?7) AND (?8 = 0 OR seq < ?8) "
                         "ORDER BY seq DESC LIMIT ?9");
    st->bind_all(q.user_id, q.project_id, q.domain_id, q.action, q.outcome, q.since, q.until, q.marker, q.limit);
    std::vector<audit_entry> out;
    while (st->step())
        out.push_back(read_audit(*st));
    return out;
}

audit_verdict verify_audit(sql::database& db, const std::string& key) {
    audit_verdict v;
    auto st = db.prepare(KUMO_AUDIT_COLUMNS "ORDER BY seq");
    std::string prev;
    std::int64_t expected_seq = 1;
    while (st->step()) {
        audit_entry e = read_audit(*st);
        ++v.entries;
        const char* reason = nullptr;
        if (e.seq != expected_seq)
            reason = "entries before this one were deleted";
        else if (e.prev_hash != prev)
            reason = "the link to the previous entry is broken";
        else if (audit_hash(e, key) != e.hash)
            reason = "the entry was changed after it was written";
        if (reason) {
            v.intact = false;
            v.first_broken_seq = e.seq;
            v.reason = reason;
            return v;
        }
        prev = e.hash;
        expected_seq = e.seq + 1;
    }
    return v;
}

std::map<std::string, std::int64_t> quota_overrides(sql::database& db, std::string_view project_id) {
    auto st = db.prepare("SELECT resource, hard_limit FROM quotas WHERE project_id = ?");
    st->bind(1, project_id);
    std::map<std::string, std::int64_t> out;
    while (st->step())
        out[st->text(0)] = st->int64(1);
    return out;
}

void set_quota(sql::database& db, std::string_view project_id, std::string_view resource, std::int64_t limit) {
    db.prepare(
          "INSERT INTO quotas (project_id, resource, hard_limit) VALUES (?1, ?2, ?3) "
          "ON CONFLICT (project_id, resource) DO UPDATE SET hard_limit = ?3")
        ->bind_all(project_id, resource, limit)
        .exec();
}

}  // namespace kumo::repo
