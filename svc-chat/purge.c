/* Space bus: a deleted space loses its messages and read marks (in the bus transaction,
 * so a service that was down catches up); afterwards the gateways are told to close the
 * space's sockets (4404) or a removed member's sockets (4403). */
#include <string.h>
#include "chat.h"
#include "../common/args.h"
#include "../common/bus.h"
#include "../common/ids.h"

int chat_bus_apply(db_conn *db, const json_t *ev, void *arg) {
    static const char *const purges[] = {
        "DELETE FROM messages WHERE space_id = ?1",
        "DELETE FROM read_marks WHERE space_id = ?1",
    };
    int64_t sid = bus_deleted_space(ev);
    return sid ? bus_purge_space(db, purges, sizeof purges / sizeof purges[0], sid) : 0;
}

/* Only the shard that owns the space speaks for it (every shard sees every event). */
static int my_space(int64_t sid) {
    return sid % shard_count() == shard_index();
}

void chat_bus_after(const json_t *ev, void *arg) {
    const char *type = json_str_or_null(json_object_get(ev, "type"));
    const char *uid = json_str_or_null(json_object_get(ev, "user_id"));
    int64_t sid = json_integer_value(json_object_get(ev, "space_id"));
    if (!type || sid <= 0 || !my_space(sid)) return;
    if (!strcmp(type, "space.deleted")) {
        chat_presence_forget_space(sid);
        chat_events_close(sid, 4404, NULL);
    } else if (!strcmp(type, "member.removed") && uid) {
        chat_presence_forget_user(sid, uid);
        chat_events_close(sid, 4403, uid);
    }
}
