/* svc-space: the directory of spaces (per-user codes, members, blocks, aliases, share
 * codes) and the publisher of space events on the bus. */
#include "space.h"
#include "../common/service.h"

static const rpc_route routes[] = {
    {"settings.system", space_settings_system},
    {"space.enter", space_enter},
    {"space.share", space_share},
    {"space.join_by_share", space_join_by_share},
    {"space.modify_code", space_modify_code},
    {"space.info", space_info},
    {"space.members", space_members},
    {"space.blocks", space_blocks},
    {"space.remove_member", space_remove_member},
    {"space.block_member", space_block_member},
    {"space.unblock_member", space_unblock_member},
    {"space.leave", space_leave},
    {"space.delete", space_delete},
    {"user.alias", space_user_alias},
    {"user.set_alias", space_user_set_alias},
    {"logs.track", space_logs_track},
    /* internal (not routed from HTTP) */
    {"space.role", space_role_rpc},
    {"space.profiles", space_profiles_rpc},
    {"bus.since", space_bus_since},
    {NULL, NULL},
};

static int init(void) { return space_bus_open(); }
static void fini(void) { space_bus_close(); }

int main(void) {
    service_def def = {
        .name = "svc-space",
        .env_name = "SPACE",
        .db_file = "space.db",
        .migrations = space_migrations,
        .routes = routes,
        .init = init,
        .fini = fini,
    };
    return service_main(&def);
}
