#include "kumo/core/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

extern char** environ;

namespace kumo {
namespace {

struct pipe_pair {
    int fd[2] = {-1, -1};
    ~pipe_pair() {
        for (int f : fd)
            if (f >= 0)
                ::close(f);
    }
    bool open() { return ::pipe2(fd, O_CLOEXEC) == 0; }
    void close_write() {
        ::close(fd[1]);
        fd[1] = -1;
    }
};

result<pid_t> spawn(const std::vector<std::string>& argv, pipe_pair& out, pipe_pair& err) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err.fd[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return make_error(errc::internal, "cannot run " + argv[0] + ": " + std::strerror(rc));
    return pid;
}

// Reads both pipes until they close or the deadline passes. Returns false on timeout.
bool collect(pipe_pair& out, pipe_pair& err, process_output& r, std::chrono::steady_clock::time_point deadline,
             std::size_t max_output) {
    pollfd fds[2] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}};
    std::string* sinks[2] = {&r.out, &r.err};
    int open_streams = 2;
    char buf[8192];
    while (open_streams > 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return false;
        if (::poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR)
            return false;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                const auto room = max_output - std::min(max_output, sinks[i]->size());
                sinks[i]->append(buf, std::min<std::size_t>(room, static_cast<std::size_t>(n)));
            } else if (n == 0 || errno != EINTR) {
                fds[i].fd = -1;
                --open_streams;
            }
        }
    }
    return true;
}

}  // namespace

result<process_output> run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                   std::size_t max_output) {
    if (argv.empty())
        return make_error(errc::internal, "no program to run");
    pipe_pair out, err;
    if (!out.open() || !err.open())
        return make_error(errc::internal, std::string("cannot create pipes: ") + std::strerror(errno));
    KUMO_TRY(pid_t pid, spawn(argv, out, err));
    out.close_write();
    err.close_write();
    process_output r;
    const bool finished = collect(out, err, r, std::chrono::steady_clock::now() + timeout, max_output);
    if (!finished)
        ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!finished)
        return make_error(errc::timeout, fmt::format("{} did not finish within {} ms", argv[0], timeout.count()));
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string describe_command(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty())
            s += ' ';
        s += a;
    }
    return s;
}

}  // namespace kumo
