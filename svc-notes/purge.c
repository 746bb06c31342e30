/* Bus: a deleted space's notebook and feed go away (in the bus transaction). */
#include <string.h>
#include "notes.h"
#include "../common/args.h"

int notes_on_bus_event(db_conn *db, const json_t *event, void *arg) {
    const char *type = json_str_or_null(json_object_get(event, "type"));
    if (!type || strcmp(type, "space.deleted")) return 0;
    json_int_t space_id = json_integer_value(json_object_get(event, "space_id"));
    static const char *const purges[] = {
        "DELETE FROM likes WHERE space_id = ?1",
        "DELETE FROM comments WHERE space_id = ?1",
        "DELETE FROM posts WHERE space_id = ?1",
        "DELETE FROM notes WHERE space_id = ?1",
    };
    for (size_t i = 0; i < sizeof purges / sizeof purges[0]; i++) {
        sqlite3_stmt *s = db_stmt(db, purges[i]);
        if (!s) return -1;
        db_bind_int(s, 1, space_id);
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) return -1;
    }
    return 0;
}
