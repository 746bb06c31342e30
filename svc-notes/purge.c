/* Bus: a deleted space's notebook and feed go away (in the bus transaction). */
#include "notes.h"
#include "../common/bus.h"

int notes_on_bus_event(db_conn *db, const json_t *event, void *arg) {
    static const char *const purges[] = {
        "DELETE FROM likes WHERE space_id = ?1",
        "DELETE FROM comments WHERE space_id = ?1",
        "DELETE FROM posts WHERE space_id = ?1",
        "DELETE FROM notes WHERE space_id = ?1",
    };
    int64_t sid = bus_deleted_space(event);
    return sid ? bus_purge_space(db, purges, sizeof purges / sizeof purges[0], sid) : 0;
}
