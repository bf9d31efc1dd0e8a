#include "kumo/cli/output.hpp"

#include <fmt/format.h>
#include <algorithm>

namespace kumo::cli {
namespace {

std::string cell(const json& v) {
    if (v.is_null())
        return "-";
    if (v.is_string())
        return v.get<std::string>();
    return v.dump();
}

// Columns of one code point: the East Asian wide ranges and emoji take 2, combining marks 0.
std::size_t code_point_width(char32_t c) {
    if ((c >= 0x300 && c <= 0x36F) || (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F))
        return 0;
    const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
                      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) || (c >= 0x20000 && c <= 0x3FFFD);
    return wide ? 2 : 1;
}

// `text` followed by spaces up to `width` display columns (fmt pads by code units, not columns).
std::string pad(const std::string& text, std::size_t width) {
    const std::size_t w = display_width(text);
    return text + std::string(width > w ? width - w : 0, ' ');
}

}  // namespace

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        const std::size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
        char32_t c = len == 1 ? b : b & (0x7F >> len);
        for (std::size_t k = 1; k < len && i + k < text.size(); ++k)
            c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        width += code_point_width(c);
        i += len;
    }
    return width;
}

void print_rows(const json& rows, const std::vector<column>& cols, output_mode mode) {
    if (mode == output_mode::json) {
        fmt::print("{}\n", rows.dump(2));
        return;
    }
    if (mode == output_mode::value) {
        for (const auto& r : rows) {
            std::string line;
            for (const auto& c : cols)
                line += (line.empty() ? "" : " ") + cell(r.value(c.field, json()));
            fmt::print("{}\n", line);
        }
        return;
    }
    std::vector<std::size_t> width;
    for (const auto& c : cols)
        width.push_back(display_width(c.title));
    for (const auto& r : rows)
        for (std::size_t i = 0; i < cols.size(); ++i)
            width[i] = std::max(width[i], display_width(cell(r.value(cols[i].field, json()))));
    std::string out;
    for (std::size_t i = 0; i < cols.size(); ++i)
        out += pad(cols[i].title, width[i]) + "  ";
    out += "\n";
    for (const auto& r : rows) {
        for (std::size_t i = 0; i < cols.size(); ++i)
            out += pad(cell(r.value(cols[i].field, json())), width[i]) + "  ";
        out += "\n";
    }
    fmt::print("{}", out);
}

void print_object(const json& obj, output_mode mode) {
    if (mode == output_mode::json || !obj.is_object()) {
        if (mode == output_mode::value && obj.is_string())
            fmt::print("{}\n", obj.get<std::string>());
        else
            fmt::print("{}\n", obj.dump(2));
        return;
    }
    if (mode == output_mode::value) {
        for (auto& [k, v] : obj.items())
            fmt::print("{}\n", cell(v));
        return;
    }
    std::size_t w = 0;
    for (auto& [k, v] : obj.items())
        w = std::max(w, k.size());
    for (auto& [k, v] : obj.items())
        fmt::print("{:<{}}  {}\n", k, w, cell(v));
}

}  // namespace kumo::cli
