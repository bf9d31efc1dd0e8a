#include "kumo/operations/operation_repo.hpp"

namespace kumo::repo {
namespace {

#define KUMO_OP_COLUMNS                                                                                        \
    "SELECT id, kind, status, progress, resource, target_id, params, error, project_id, user_id, created_at, " \
    "updated_at, details FROM operations "

operation read_op(sql::statement& st) {
    operation op;
    op.id = st.text(0);
    op.kind = st.text(1);
    op.status = parse_op_status(st.text(2)).value_or(op_status::failed);
    op.progress = st.integer(3);
    op.resource = st.text(4);
    op.target_id = st.text(5);
    op.params = json::parse(st.text(6));
    if (!st.is_null(7))
        op.error = json::parse(st.text(7));
    op.project_id = st.text(8);
    op.user_id = st.text(9);
    op.created_at = st.text(10);
    op.updated_at = st.text(11);
    op.details = json::parse(st.text(12));
    return op;
}

void bind_error(sql::statement& st, int index, const std::optional<json>& e) {
    if (e)
        st.bind(index, e->dump());
    else
        st.bind_null(index);
}

}  // namespace

void insert_operation(sql::database& db, const operation& op) {
    auto st = db.prepare(
        "INSERT INTO operations (id, kind, status, progress, resource, target_id, params, error, "
        "project_id, user_id, created_at, updated_at, details) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st->bind_all(op.id, op.kind, to_string(op.status), op.progress, op.resource, op.target_id, op.params.dump(), "",
                 op.project_id, op.user_id, op.created_at, op.updated_at, op.details.dump());
    bind_error(*st, 8, op.error);
    st->exec();
}

void update_operation(sql::database& db, const operation& op) {
    auto st =
        db.prepare("UPDATE operations SET status=?, progress=?, error=?, params=?, updated_at=?, details=? WHERE id=?");
    st->bind_all(to_string(op.status), op.progress, "", op.params.dump(), op.updated_at, op.details.dump(), op.id);
    bind_error(*st, 3, op.error);
    st->exec();
}

void update_operation_progress(sql::database& db, std::string_view id, int progress, const json& details,
                               std::string_view now) {
    db.prepare("UPDATE operations SET progress=?, details=?, updated_at=? WHERE id=? AND status='running'")
        ->bind_all(progress, details.dump(), now, id)
        .exec();
}

std::optional<operation> find_operation(sql::database& db, std::string_view id) {
    auto st = db.prepare(KUMO_OP_COLUMNS "WHERE id = ?");
    st->bind(1, id);
    if (!st->step())
        return std::nullopt;
    return read_op(*st);
}

std::vector<operation> list_operations(sql::database& db, const list_query& q) {
    auto st = db.prepare(KUMO_OP_COLUMNS
                         "WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR project_id = ?2) "
                         "AND (?3 = '' OR rowid > (SELECT rowid FROM operations WHERE id = ?3)) "
                         "ORDER BY rowid LIMIT ?4");
    st->bind_all(q.status, q.project_id, q.marker, q.limit);
    std::vector<operation> out;
    while (st->step())
        out.push_back(read_op(*st));
    return out;
}

std::vector<operation> unfinished_operations(sql::database& db) {
    auto st = db.prepare(KUMO_OP_COLUMNS "WHERE status IN ('pending', 'running') ORDER BY rowid");
    std::vector<operation> out;
    while (st->step())
        out.push_back(read_op(*st));
    return out;
}

}  // namespace kumo::repo
