#include <stdio.h>
#include <string.h>
#include "ids.h"
#include "config.h"
#include "log.h"

int shard_index(void) {
    long i = cfg_int("SHARD_INDEX", 0);
    return (i >= 0 && i < ID_MAX_SHARDS) ? (int)i : 0;
}

int shard_count(void) {
    long n = cfg_int("SHARD_COUNT", 1);
    return (n >= 1 && n <= ID_MAX_SHARDS) ? (int)n : 1;
}

/* A counter row per table, not MAX(id): ids of deleted rows are never handed out again. */
static const char *NEXT_SQL =
    "INSERT INTO id_sequence(name, seq) VALUES(?1, 1) "
    "ON CONFLICT(name) DO UPDATE SET seq = seq + 1 RETURNING seq";

int64_t id_next(db_conn *c, const char *table) {
    sqlite3_stmt *s = db_stmt(c, NEXT_SQL);   /* id_sequence is created by db_open */
    if (!s) return -1;
    db_bind_text(s, 1, table);
    int64_t id = -1;
    if (sqlite3_step(s) == SQLITE_ROW) id = id_compose(sqlite3_column_int64(s, 0), shard_index());
    else LOG_ERROR(NULL, "id_next(%s): %s", table, sqlite3_errmsg(db_handle(c)));
    sqlite3_reset(s);
    return id;
}
