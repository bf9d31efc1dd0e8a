// kumo volume (create, list, show, delete, extend, attach, detach, snapshots, upload-to-image) and
// kumo volume-type.
#include "kumo/storage/commands.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

using namespace kumo::cli;

const std::vector<column> volume_cols{{"ID", "id"},         {"NAME", "name"},        {"SIZE_GB", "size_gb"},
                                      {"STATUS", "status"}, {"TYPE", "volume_type"}, {"ATTACHED_TO", "attached_to"}};
const std::vector<column> snapshot_cols{
    {"ID", "id"}, {"NAME", "name"}, {"SIZE_GB", "size_gb"}, {"STATUS", "status"}, {"CREATED", "created_at"}};
const std::vector<column> type_cols{
    {"NAME", "name"}, {"KIND", "kind"}, {"SHARED", "shared"}, {"DESCRIPTION", "description"}};

std::optional<std::string> volume_path(cmd_env& e) {
    auto id = resolve(e, "volumes", e.args.positional[2]);
    return id ? std::optional("/api/v1/volumes/" + *id) : std::nullopt;
}

int create_volume(cmd_env& e) {
    json body{{"name", e.args.positional[2]}, {"size_gb", *e.args.integer("size-gb")}};
    if (auto t = e.args.get("type"))
        body["volume_type"] = *t;
    if (auto i = e.args.get("image")) {
        auto id = resolve(e, "images", *i);
        if (!id)
            return 1;
        body["image_id"] = *id;
    }
    if (auto s = e.args.get("snapshot"))
        body["snapshot_id"] = *s;
    return print_reply(e, call(e, "POST", "/api/v1/volumes", body));
}

int show_or_delete(cmd_env& e, bool remove) {
    auto v = volume_path(e);
    if (!v)
        return 1;
    return remove ? delete_reply(e, *v, v->substr(v->rfind('/') + 1)) : print_reply(e, call(e, "GET", *v));
}

int extend(cmd_env& e) {
    auto v = volume_path(e);
    return print_reply(
        e, v ? call(e, "POST", *v + "/actions/extend", json{{"size_gb", *e.args.integer("size-gb")}}) : std::nullopt);
}

// attach and detach go through the VM's route: a volume is attached to a VM.
int attachment(cmd_env& e, bool attach) {
    auto volume = resolve(e, "volumes", e.args.positional[2]);
    auto vm = volume ? resolve(e, "vms", e.args.positional[3]) : std::nullopt;
    if (!vm)
        return 1;
    const std::string path = "/api/v1/vms/" + *vm + "/volumes";
    return print_reply(
        e, attach ? call(e, "POST", path, json{{"volume_id", *volume}}) : call(e, "DELETE", path + "/" + *volume));
}

int snapshot(cmd_env& e, const std::string& verb) {
    auto v = volume_path(e);
    if (!v)
        return 1;
    if (verb == "list")
        return list_reply(e, *v + "/snapshots", snapshot_cols);
    if (verb == "create")
        return print_reply(e, call(e, "POST", *v + "/snapshots", json{{"name", e.args.positional[3]}}));
    auto snap = resolve(e, v->substr(std::string("/api/v1/").size()) + "/snapshots", e.args.positional[3]);
    return snap ? delete_reply(e, *v + "/snapshots/" + *snap, *snap) : 1;
}

int upload_to_image(cmd_env& e) {
    auto v = volume_path(e);
    return print_reply(
        e, v ? call(e, "POST", *v + "/actions/upload-to-image", json{{"name", e.args.positional[3]}}) : std::nullopt);
}

noun_spec volume_noun() {
    auto snap = [](const char* verb) { return [verb](cmd_env& e) { return snapshot(e, verb); }; };
    return {
        "volume",
        "block volumes",
        {{"create",
          "create a volume",
          {"NAME"},
          {opt_integer("size-gb", "size in GiB", 1, 1 << 20, true), opt("type", "volume type (kumo volume-type list)"),
           opt("image", "fill it from this image"), opt("snapshot", "fill it from this volume snapshot id")},
          create_volume},
         {"list",
          "list volumes",
          {},
          {},
          [](cmd_env& e) { return list_reply(e, "/api/v1/volumes?limit=1000", volume_cols); }},
         {"show", "show one volume", {"VOLUME"}, {}, [](cmd_env& e) { return show_or_delete(e, false); }},
         {"delete", "delete a volume", {"VOLUME"}, {}, [](cmd_env& e) { return show_or_delete(e, true); }},
         {"extend",
          "grow a volume",
          {"VOLUME"},
          {opt_integer("size-gb", "the new size in GiB", 1, 1 << 20, true)},
          extend},
         {"attach", "attach the volume to a VM", {"VOLUME", "VM"}, {}, [](cmd_env& e) { return attachment(e, true); }},
         {"detach",
          "detach the volume from a VM",
          {"VOLUME", "VM"},
          {},
          [](cmd_env& e) { return attachment(e, false); }},
         {"snapshot-create", "snapshot a volume", {"VOLUME", "NAME"}, {}, snap("create")},
         {"snapshot-list", "list a volume's snapshots", {"VOLUME"}, {}, snap("list")},
         {"snapshot-delete", "delete a volume snapshot", {"VOLUME", "SNAPSHOT"}, {}, snap("delete")},
         {"upload-to-image", "copy the volume into a new image", {"VOLUME", "IMAGE_NAME"}, {}, upload_to_image}}};
}

}  // namespace

cli::command_set storage_commands() {
    return {{volume_noun(),
             {"volume-type", "where volumes can be placed", {{"list", "list volume types", {}, {}, [](cmd_env& e) {
                                                                  return list_reply(e, "/api/v1/volume-types",
                                                                                    type_cols);
                                                              }}}}}};
}

}  // namespace kumo
