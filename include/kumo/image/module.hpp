#pragma once
// The image module's entry point (src/image/README.md): the image store (records, streamed uploads with
// checksums, URL import and its SSRF rules, format inspection, downloads, sharing).
#include "kumo/identity/project_resources.hpp"
#include "kumo/image/image_store.hpp"
#include "kumo/platform/module.hpp"

#include <memory>

namespace kumo {

class image_module final : public module {
public:
    // Counts the projects' images and image_gb in `projects`.
    image_module(platform& p, project_resources& projects);
    ~image_module() override;

    image_store& images();

    std::string_view name() const override { return "image"; }
    std::span<const permission_rule> permissions() const override;
    void add_routes(api::router& r) override;
    // Makes the image directory and kills uploads a previous daemon did not finish.
    awaitable<void> start() override;

private:
    std::unique_ptr<image_store> store_;
};

}  // namespace kumo
