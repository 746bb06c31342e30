/* storage.db: one row per stored object; rows of a deleted space are marked (deleting=1)
 * inside the bus transaction and removed after their blobs are gone (purge.c).
 * deleted_spaces makes a commit that races a deletion fail instead of leaving a row. */
#include "storage.h"

const char *const storage_migrations[] = {
    "CREATE TABLE files ("
    "  key TEXT PRIMARY KEY,"
    "  space_id INTEGER NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  category TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  mime TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  deleting INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX files_space ON files(space_id);"
    "CREATE INDEX files_deleting ON files(deleting) WHERE deleting = 1;"
    "CREATE TABLE deleted_spaces (space_id INTEGER PRIMARY KEY, deleted_at INTEGER NOT NULL);",
    NULL,
};
