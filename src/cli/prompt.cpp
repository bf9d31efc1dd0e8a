// Reading a password: from the option or environment for scripts, a prompt with echo off on a terminal.
#include "kit.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>
#include <cstdlib>
#include <iostream>

namespace kumo::cli {
namespace {

// Reads one line from the terminal on fd `in` with echo off; the prompt goes to the terminal itself,
// so `kumo login > out.json` still shows it.
std::string prompt_without_echo(int in, const char* prompt) {
    // Echo goes off before the prompt appears, and without flushing: whatever is typed (or sent by a
    // program driving the terminal) after the prompt is read, never echoed or dropped.
    termios old{};
    const bool have = ::tcgetattr(in, &old) == 0;
    if (have) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        ::tcsetattr(in, TCSANOW, &quiet);
    }
    int tty = ::open("/dev/tty", O_WRONLY | O_CLOEXEC);
    const int to = tty >= 0 ? tty : STDERR_FILENO;
    (void)!::write(to, prompt, std::char_traits<char>::length(prompt));
    std::string line;
    std::getline(std::cin, line);
    if (have)
        ::tcsetattr(in, TCSANOW, &old);
    if (tty >= 0)
        ::close(tty);
    return line;
}

}  // namespace

std::string read_secret(const std::optional<std::string>& given, const char* env_var, const char* prompt) {
    if (given)
        return *given;
    if (const char* env = std::getenv(env_var))
        return env;
    if (::isatty(STDIN_FILENO))
        return prompt_without_echo(STDIN_FILENO, prompt);
    std::string line;
    std::getline(std::cin, line);  // --password-stdin, or a pipe from a script
    return line;
}

}  // namespace kumo::cli
