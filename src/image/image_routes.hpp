#pragma once
// The image module's routes (routes_images.cpp).
#include "kumo/http/router.hpp"
#include "kumo/image/image_store.hpp"

namespace kumo::api {

void add_image_routes(router& r, image_store& images);

}  // namespace kumo::api
