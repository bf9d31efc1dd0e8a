#include "login_throttle.hpp"
#include "kumo_catch.hpp"

using namespace kumo;
using namespace std::chrono_literals;

TEST_CASE("login throttle locks a key after consecutive failures, for the lockout only", "[throttle]") {
    login_throttle t({3, 60s});
    const sys_time t0{std::chrono::hours(1000)};
    t.failed("user:alice", t0);
    t.failed("user:alice", t0 + 1s);
    CHECK(t.retry_after("user:alice", t0 + 2s) == 0s);
    t.failed("user:alice", t0 + 2s);
    CHECK(t.retry_after("user:alice", t0 + 2s) == 60s);
    CHECK(t.retry_after("user:alice", t0 + 31s) == 31s);
    CHECK(t.retry_after("user:alice", t0 + 62s) == 0s);
    CHECK(t.retry_after("user:bob", t0 + 2s) == 0s);  // keys are independent
}

TEST_CASE("login throttle forgets old failures and successes", "[throttle]") {
    login_throttle t({3, 60s});
    const sys_time t0{std::chrono::hours(1000)};
    t.failed("addr:198.18.0.1", t0);
    t.failed("addr:198.18.0.1", t0 + 1s);
    t.failed("addr:198.18.0.1", t0 + 200s);  // the streak went cold: this is failure 1 again
    CHECK(t.retry_after("addr:198.18.0.1", t0 + 200s) == 0s);
    t.failed("user:carol", t0);
    t.failed("user:carol", t0);
    t.succeeded("user:carol");
    t.failed("user:carol", t0);
    CHECK(t.retry_after("user:carol", t0) == 0s);
    t.prune(t0 + 500s);
    CHECK(t.tracked() == 0);
}

TEST_CASE("login throttle lets a key in again once its lockout has passed", "[throttle]") {
    login_throttle t({3, 600s});
    const sys_time t0{std::chrono::hours(1000)};
    for (int i = 0; i < 3; ++i)
        t.failed("user:dave", t0);
    CHECK(t.retry_after("user:dave", t0 + 599s) == 1s);
    CHECK(t.retry_after("user:dave", t0 + 600s) == 0s);
    t.succeeded("user:dave");  // the right password, after the lockout
    t.failed("user:dave", t0 + 601s);
    t.failed("user:dave", t0 + 602s);
    CHECK(t.retry_after("user:dave", t0 + 602s) == 0s);  // a fresh streak
}
