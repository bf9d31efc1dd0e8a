#pragma once
// The storage module's routes (routes_volumes.cpp).
#include "kumo/http/router.hpp"
#include "kumo/storage/volumes.hpp"

namespace kumo::api {

struct storage_api {
    volume_service& volumes;
    const config& cfg;
};

void add_volume_routes(router& r, storage_api& x);

}  // namespace kumo::api
