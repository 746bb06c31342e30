/* Space bus: a deleted space loses its messages and read marks (in the bus transaction,
 * so a service that was down catches up); afterwards the gateways are told to close the
 * space's sockets (4404) or a removed member's sockets (4403). */
#include <string.h>
#include "chat.h"
#include "../common/args.h"
#include "../common/ids.h"

static int run(db_conn *db, const char *sql, int64_t sid) {
    sqlite3_stmt *s = db_stmt(db, sql);
    if (!s) return -1;
    db_bind_int(s, 1, sid);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int chat_bus_apply(db_conn *db, const json_t *ev, void *arg) {
    const char *type = json_str_or_null(json_object_get(ev, "type"));
    int64_t sid = json_integer_value(json_object_get(ev, "space_id"));
    if (!type || strcmp(type, "space.deleted") || sid <= 0) return 0;
    return run(db, "DELETE FROM messages WHERE space_id = ?1", sid) ||
           run(db, "DELETE FROM read_marks WHERE space_id = ?1", sid);
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
