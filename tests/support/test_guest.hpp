#pragma once
// The tiny Linux test guest (tests/guest/build-test-guest.sh) and what tests do with it through the API:
// upload its images, read what it prints on its serial console.
#include "kumo/cli/client.hpp"

#include <set>
#include <string>

namespace kumo::test {

// Where the guest's files are cached between runs: vmlinuz, initrd.gz, root.qcow2, installer.iso.
inline const std::string kGuestDir = "/var/tmp/kumo-test-guest";

// Builds (or finds cached) the guest from Debian packages.
void build_guest();
// Creates an image with `create` and uploads `file` into it; returns its id.
std::string upload_image(const cli::api_client& c, json create, const std::string& file);
// The guest as three images: the root disk's image names the kernel and ramdisk and a serial console.
struct guest_images {
    std::string kernel, ramdisk, root;
};
guest_images upload_guest(const cli::api_client& c);
// Names of the files in `dir` (a storage pool's directory); empty when it does not exist.
std::set<std::string> files_in(const std::string& dir);
// The VM's console log once it contains `marker`, or whatever it holds after `timeout_s`.
std::string console_until(const cli::api_client& c, const std::string& vm, const std::string& marker, int timeout_s);

}  // namespace kumo::test
