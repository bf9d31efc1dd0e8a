// Service tier: group commit in the store. Concurrent writes share transactions, and a write that fails
// (error result, SQL constraint, exception) undoes only its own changes.
#include "kumo/store/store.hpp"

#include "kumo/core/ids.hpp"
#include "kumo/store/lasting_write.hpp"
#include "kumo/store/list_query.hpp"
#include "kumo_catch.hpp"
#include "vm_repo.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

using namespace kumo;

namespace {

flavor make_flavor(const std::string& name) {
    flavor f;
    f.id = new_uuid();
    f.name = name;
    f.created_at = f.updated_at = "2026-01-01T00:00:00Z";
    return f;
}

enum class outcome { ok, error_result, constraint, exception };

awaitable<void> one_write(store& st, int i, outcome how, std::vector<std::string>& answers) {
    auto job = [i, how](sql::database& db) -> result<void> {
        repo::insert_flavor(db, make_flavor("f-" + std::to_string(i)));
        if (how == outcome::error_result)
            return make_error(errc::conflict, "refused after writing");
        if (how == outcome::constraint)
            repo::insert_flavor(db, make_flavor("f-" + std::to_string(i)));  // duplicate name: throws
        if (how == outcome::exception)
            throw std::runtime_error("bug in a job");
        return {};
    };
    try {
        auto r = co_await st.write(std::move(job));
        answers[i] = r ? "ok" : std::string(errc_name(r.error().code));
    } catch (const std::runtime_error&) {
        answers[i] = "exception";
    }
}

}  // namespace

TEST_CASE("group commit: concurrent writes share transactions; a failed write undoes only itself", "[service]") {
    auto db = sql::database::open(":memory:");
    REQUIRE(db);
    store st(std::move(*db));
    asio::io_context core;
    const int n = 400;
    std::vector<std::string> answers(n);
    for (int i = 0; i < n; ++i) {
        const outcome how = static_cast<outcome>(i % 4);
        asio::co_spawn(core, one_write(st, i, how, answers), asio::detached);
    }
    core.run();
    auto job = [](sql::database& d) -> result<std::vector<flavor>> {
        repo::list_query q;
        q.limit = 1000;
        return repo::list_flavors(d, q);
    };
    std::vector<flavor> kept;
    asio::co_spawn(
        core,
        [&]() -> awaitable<void> {
            auto r = co_await st.read(std::move(job));
            kept = r.value();
        },
        asio::detached);
    core.restart();
    core.run();
    REQUIRE(kept.size() == n / 4);
    for (const auto& f : kept)
        CHECK(std::stoi(f.name.substr(2)) % 4 == 0);
    for (int i = 0; i < n; ++i) {
        INFO(i);
        const char* expect[] = {"ok", "conflict", "conflict", "exception"};
        CHECK(answers[i] == expect[i % 4]);
    }
    CHECK(st.batches_committed() < static_cast<std::size_t>(n));
    CHECK(st.batches_committed() >= static_cast<std::size_t>(n) / store::max_batch);
}

namespace {

// A write that fails its first `failures` tries with `code`.
awaitable<void> write_lasting(store& st, std::shared_ptr<int> attempts, int failures, errc code, bool& written) {
    auto job = [attempts, failures, code](sql::database&) -> result<void> {
        if (++*attempts <= failures)
            return make_error(code, "disk full");
        return {};
    };
    written = co_await lasting_write(st, std::move(job), "a test row");
}

}  // namespace

TEST_CASE("lasting_write retries a failed write, and reports one that never succeeds", "[service]") {
    auto db = sql::database::open(":memory:");
    REQUIRE(db);
    store st(std::move(*db));
    asio::io_context core;
    auto twice = std::make_shared<int>(0), always = std::make_shared<int>(0), refused = std::make_shared<int>(0);
    bool after_two = false, never = true, answer = true;
    asio::co_spawn(core, write_lasting(st, twice, 2, errc::internal, after_two), asio::detached);
    asio::co_spawn(core, write_lasting(st, always, 100, errc::internal, never), asio::detached);
    asio::co_spawn(core, write_lasting(st, refused, 100, errc::conflict, answer), asio::detached);
    core.run();  // 0.1 + 1 + 5 s of pauses at most
    CHECK(after_two);
    CHECK(*twice == 3);
    CHECK_FALSE(never);
    CHECK(*always == 4);  // the first try and three retries
    CHECK_FALSE(answer);
    CHECK(*refused == 1);  // the job's own refusal is its answer: not retried
}
