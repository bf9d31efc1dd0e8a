#pragma once
// The SQLite connection. Used from exactly one thread (the store's writer thread), so it needs no lock.
// SQL failures inside a transaction throw sql_error; transaction() turns them into kumo::error
// (unique/foreign-key violations -> conflict, anything else -> internal) and rolls back.
#include "kumo/core/error.hpp"
#include "kumo/store/schema.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace kumo::sql {

struct sql_error : std::runtime_error {
    sql_error(int code, const std::string& msg) : std::runtime_error(msg), code(code) {}
    int code;  // SQLite extended result code
};

class statement {
public:
    explicit statement(sqlite3_stmt* s) : stmt_(s) {}
    ~statement();  // finalizes: an unfinalized statement keeps the whole connection alive
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    statement& bind(int index, std::string_view v);
    statement& bind(int index, std::int64_t v);
    statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
    statement& bind(int index, bool v) { return bind(index, static_cast<std::int64_t>(v)); }
    statement& bind(int index, const std::string& v) { return bind(index, std::string_view(v)); }
    statement& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
    statement& bind_null(int index);
    template <class... A>
    statement& bind_all(const A&... args) {
        int i = 0;
        (bind(++i, args), ...);
        return *this;
    }
    bool step();  // true while a row is available
    void exec() { step(); }
    std::string text(int col) const;
    std::int64_t int64(int col) const;
    int integer(int col) const { return static_cast<int>(int64(col)); }
    bool is_null(int col) const;
    void reset();

private:
    sqlite3_stmt* stmt_;
};

// A cached statement, reset and unbound when the reference goes away.
class statement_ref {
public:
    explicit statement_ref(statement& s) : s_(&s) {}
    statement_ref(const statement_ref&) = delete;
    ~statement_ref() { s_->reset(); }
    statement* operator->() { return s_; }
    statement& operator*() { return *s_; }

private:
    statement* s_;
};

class database {
public:
    // Opens (creating if needed) and applies the schema history (kumo/store/schema.hpp). ":memory:" gives
    // a private in-memory database.
    static result<std::unique_ptr<database>> open(const std::string& path);
    // Applies the steps of `schema` (numbered 1..N, see full_schema) above the database's version.
    // Errors: internal with SQLite's message (that step is rolled back).
    result<void> migrate(std::span<const migration> schema);
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    statement_ref prepare(std::string_view sql);
    void exec_script(const char* sql);
    std::int64_t changes() const;
    int schema_version();

    // Runs f() in BEGIN IMMEDIATE ... COMMIT; f returns result<T>. An error result or a throw rolls back.
    template <class F>
    auto transaction(F&& f) -> decltype(f()) {
        using R = decltype(f());
        begin();
        try {
            R r = f();
            if (r)
                commit();
            else
                rollback();
            return r;
        } catch (const sql_error& e) {
            rollback();
            return translate(e);
        }
    }

    // Group commit (see store): one transaction around many jobs, each job in its own savepoint, so a
    // failing job undoes only itself. begin_batch / commit_batch bracket the jobs.
    void begin_batch() { begin(); }
    void commit_batch() { commit(); }
    void abort_batch() { rollback(); }
    bool in_transaction() const;
    // Runs f() inside SAVEPOINT ... RELEASE; an error result or a throw rolls back to the savepoint.
    template <class F>
    auto savepoint(F&& f) -> decltype(f()) {
        using R = decltype(f());
        exec_script("SAVEPOINT job");
        try {
            R r = f();
            if (!r)
                undo_savepoint();
            else
                exec_script("RELEASE job");
            return r;
        } catch (const sql_error& e) {
            undo_savepoint();
            return translate(e);
        } catch (...) {
            undo_savepoint();
            throw;
        }
    }

    // A read-only unit: sql_error becomes kumo::error, no transaction needed for a single statement.
    template <class F>
    auto read(F&& f) -> decltype(f()) {
        try {
            return f();
        } catch (const sql_error& e) {
            return translate(e);
        }
    }

private:
    explicit database(sqlite3* db) : db_(db) {}
    void begin();
    void commit();
    void rollback();
    void undo_savepoint();  // ROLLBACK TO + RELEASE; nothing when SQLite already ended the transaction
    static error translate(const sql_error& e);
    sqlite3* db_;
    std::map<std::string, std::unique_ptr<statement>, std::less<>> cache_;
};

}  // namespace kumo::sql
