#include "kumo/store/database.hpp"

#include "kumo/core/log.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

namespace kumo::sql {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc) {
    throw sql_error(sqlite3_extended_errcode(db), fmt::format("sqlite: {} ({})", sqlite3_errmsg(db), rc));
}

}  // namespace

statement::~statement() {
    sqlite3_finalize(stmt_);
}

statement& statement::bind(int index, std::string_view v) {
    int rc = sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK)
        fail(sqlite3_db_handle(stmt_), rc);
    return *this;
}

statement& statement::bind(int index, std::int64_t v) {
    int rc = sqlite3_bind_int64(stmt_, index, v);
    if (rc != SQLITE_OK)
        fail(sqlite3_db_handle(stmt_), rc);
    return *this;
}

statement& statement::bind_null(int index) {
    int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK)
        fail(sqlite3_db_handle(stmt_), rc);
    return *this;
}

bool statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(sqlite3_db_handle(stmt_), rc);
}

std::string statement::text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
}

std::int64_t statement::int64(int col) const {
    return sqlite3_column_int64(stmt_, col);
}
bool statement::is_null(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

void statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

result<std::unique_ptr<database>> database::open(const std::string& path) {
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
        sqlite3_close(raw);
        return make_error(errc::internal, fmt::format("cannot open database {}: {}", path, msg));
    }
    std::unique_ptr<database> db(new database(raw));
    try {
        // WAL + synchronous=FULL: a commit is durable once acknowledged, and a crash at any instant
        // leaves the last committed state.
        db->exec_script(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=5000;");
    } catch (const sql_error& e) {
        return make_error(errc::internal, fmt::format("cannot prepare database {}: {}", path, e.what()));
    }
    if (auto migrated = db->migrate(schema_history()); !migrated)
        return make_error(errc::internal, fmt::format("cannot prepare database {}: {}", path, migrated.error().detail));
    return db;
}

result<void> database::migrate(std::span<const migration> schema) {
    try {
        for (const auto& step : schema) {
            if (step.version <= schema_version())
                continue;
            begin();
            try {
                exec_script(step.sql);
                exec_script(fmt::format("PRAGMA user_version={}", step.version).c_str());
                commit();
            } catch (...) {
                rollback();
                throw;
            }
            log::info("store", "migrated database to schema version {}", step.version);
        }
    } catch (const sql_error& e) {
        return make_error(errc::internal, e.what());
    }
    return {};
}

database::~database() {
    cache_.clear();
    sqlite3_close_v2(db_);
}

statement_ref database::prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        sqlite3_stmt* s = nullptr;
        int rc =
            sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
        if (rc != SQLITE_OK)
            fail(db_, rc);
        it = cache_.emplace(std::string(sql), std::make_unique<statement>(s)).first;
    }
    return statement_ref(*it->second);
}

void database::exec_script(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : "unknown";
        sqlite3_free(err);
        throw sql_error(sqlite3_extended_errcode(db_), "sqlite: " + msg);
    }
}

std::int64_t database::changes() const {
    return sqlite3_changes64(db_);
}

int database::schema_version() {
    auto st = prepare("PRAGMA user_version");
    st->step();
    return st->integer(0);
}

void database::begin() {
    exec_script("BEGIN IMMEDIATE");
}
void database::commit() {
    exec_script("COMMIT");
}
void database::rollback() {
    if (!sqlite3_get_autocommit(db_))
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool database::in_transaction() const {
    return !sqlite3_get_autocommit(db_);
}

void database::undo_savepoint() {
    if (in_transaction()) {
        sqlite3_exec(db_, "ROLLBACK TO job", nullptr, nullptr, nullptr);
        sqlite3_exec(db_, "RELEASE job", nullptr, nullptr, nullptr);
    }
}

error database::translate(const sql_error& e) {
    if ((e.code & 0xff) == SQLITE_CONSTRAINT) {
        if (e.code == SQLITE_CONSTRAINT_UNIQUE || e.code == SQLITE_CONSTRAINT_PRIMARYKEY)
            return make_error(errc::conflict, "a resource with that name already exists");
        return make_error(errc::conflict, "the change conflicts with related resources");
    }
    log::error("store", "{}", e.what());
    return make_error(errc::internal, "internal storage error");
}

}  // namespace kumo::sql
