#pragma once
// Catch2 plus how to print Kumo's result values in assertion messages.
#include "kumo/core/error.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace Catch {
template <class T>
struct StringMaker<boost::system::result<T, kumo::error>> {
    static std::string convert(const boost::system::result<T, kumo::error>& r) {
        return r ? std::string("ok")
                 : "error " + std::string(kumo::errc_name(r.error().code)) + ": " + r.error().detail;
    }
};
}  // namespace Catch
