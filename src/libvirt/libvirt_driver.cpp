#include "kumo/libvirt/libvirt_driver.hpp"

#include "kumo/core/log.hpp"
#include "libvirt_connection.hpp"
#include "libvirt_error.hpp"

#include <libvirt/libvirt.h>
#include <atomic>
#include <thread>

namespace kumo {
namespace {

class libvirt_driver final : public hypervisor_driver {
public:
    libvirt_driver() {
        lv::install_quiet_error_handler();
        if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0)
            throw std::runtime_error("cannot initialise libvirt's event loop");
        event_thread_ = std::thread([this] {
            while (!stopping_.load())
                virEventRunDefaultImpl();
        });
    }

    ~libvirt_driver() override {
        stopping_ = true;
        // A zero-length timer makes the blocked virEventRunDefaultImpl() return so the loop sees the flag.
        int timer = virEventAddTimeout(
            0, [](int, void*) {}, nullptr, nullptr);
        event_thread_.join();
        if (timer >= 0)
            virEventRemoveTimeout(timer);
    }

    result<std::unique_ptr<hypervisor_connection>> connect(const std::string& uri,
                                                           connection_callbacks callbacks) override {
        // SSH hosts arrive as the libssh2 URI the host registry derived from a checked public URI.
        const bool derived_ssh = uri.rfind("qemu+libssh2://", 0) == 0 || uri.rfind("xen+libssh2://", 0) == 0;
        if (!derived_ssh)
            KUMO_TRY_VOID(check_host_uri(uri, "uri"));
        return lv::open_connection(uri, std::move(callbacks));
    }

private:
    std::atomic<bool> stopping_{false};
    std::thread event_thread_;  // the one raw thread: libvirt's event loop has to own a thread
};

}  // namespace

std::unique_ptr<hypervisor_driver> make_libvirt_driver() {
    return std::make_unique<libvirt_driver>();
}

}  // namespace kumo
