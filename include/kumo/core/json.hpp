#pragma once
#include <nlohmann/json.hpp>

namespace kumo {
using json = nlohmann::json;
}
