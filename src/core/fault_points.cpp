#include "kumo/core/fault_points.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace kumo {

const std::optional<std::string>& fault_points_file() {
    // Read once: the environment of a running daemon does not change.
    static const std::optional<std::string> file = []() -> std::optional<std::string> {
        const char* v = std::getenv("KUMO_TEST_FAULTS_FILE");
        if (!v || !*v)
            return std::nullopt;
        return std::string(v);
    }();
    return file;
}

bool fault_armed(std::string_view point, std::string_view key) {
    const auto& file = fault_points_file();
    if (!file)
        return false;
    std::ifstream in(*file);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string armed_point, armed_key;
        if (words >> armed_point >> armed_key && armed_point == point && (armed_key == "*" || armed_key == key))
            return true;
    }
    return false;
}

}  // namespace kumo
