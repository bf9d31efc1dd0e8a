#include "spawn.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <csignal>
#include <cstdlib>

namespace kumo::test {

pid_t spawn_logged(std::vector<std::string> argv, const std::vector<std::pair<std::string, std::string>>& env,
                   const std::string& log_path) {
    const pid_t pid = fork();
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (const auto& [k, v] : env)
        setenv(k.c_str(), v.c_str(), 1);
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (auto& a : argv)
        args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
}

}  // namespace kumo::test
