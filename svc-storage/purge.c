/* Space deletion. Inside the bus transaction (storage_bus_apply) we only mark the space's
 * rows (deleting=1: unreadable at once) and remember the space in deleted_spaces (so an
 * upload finishing later is refused). Blobs are deleted after the commit, outside any
 * transaction (network calls for S3), by storage_purge_marked: each blob is deleted first,
 * then its row; a failure (store down) keeps the row marked and the purge is retried on the
 * next bus event and at start-up. Both steps are idempotent. */
#include <pthread.h>
#include <string.h>
#include "storage.h"
#include "../common/log.h"
#include "../common/service.h"
#include "../common/timeutil.h"

int storage_bus_apply(db_conn *db, const json_t *event, void *arg) {
    const char *type = json_string_value(json_object_get(event, "type"));
    json_int_t space = json_integer_value(json_object_get(event, "space_id"));
    if (!type || strcmp(type, "space.deleted") != 0 || space <= 0) return 0;
    sqlite3_stmt *q = db_stmt(db, "INSERT OR IGNORE INTO deleted_spaces (space_id, deleted_at)"
                                  " VALUES (?, ?)");
    if (!q) return -1;
    db_bind_int(q, 1, space);
    db_bind_int(q, 2, now_ms());
    if (sqlite3_step(q) != SQLITE_DONE) return -1;
    q = db_stmt(db, "UPDATE files SET deleting = 1 WHERE space_id = ? AND deleting = 0");
    if (!q) return -1;
    db_bind_int(q, 1, space);
    return sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
}

int storage_purge_marked(db_conn *db) {
    const storage_backend *b = storage_backend_current();
    int left = 0;
    for (;;) {
        char keys[64][128];
        int n = 0;
        sqlite3_stmt *q = db_stmt(db, "SELECT key FROM files WHERE deleting = 1 LIMIT 64");
        if (!q) return -1;
        while (n < 64 && sqlite3_step(q) == SQLITE_ROW)
            snprintf(keys[n++], sizeof keys[0], "%s", db_col_text(q, 0) ? db_col_text(q, 0) : "");
        sqlite3_reset(q);
        if (n == 0) return left;
        int done = 0;
        for (int i = 0; i < n; i++) {
            if (b->del(keys[i]) != 0) { left++; continue; }
            sqlite3_stmt *d = db_stmt(db, "DELETE FROM files WHERE key = ? AND deleting = 1");
            if (!d) return -1;
            db_bind_text(d, 1, keys[i]);
            if (sqlite3_step(d) != SQLITE_DONE) return -1;
            done++;
        }
        if (done == 0) {
            LOG_WARN(NULL, "storage purge: %d blobs not deleted yet (store unreachable?)", left);
            return left;
        }
    }
}

static pthread_mutex_t purge_lock = PTHREAD_MUTEX_INITIALIZER;
static db_conn *purge_db;   /* the purger's own connection, opened on first use */

void storage_bus_after(const json_t *event, void *arg) {
    pthread_mutex_lock(&purge_lock);
    if (!purge_db) purge_db = db_open(service_db_path(), storage_migrations);
    if (purge_db) storage_purge_marked(purge_db);
    pthread_mutex_unlock(&purge_lock);
}

void storage_purge_close(void) {
    pthread_mutex_lock(&purge_lock);
    if (purge_db) db_close(purge_db);
    purge_db = NULL;
    pthread_mutex_unlock(&purge_lock);
}
