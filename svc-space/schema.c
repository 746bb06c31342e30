/* svc-space tables. Times are epoch milliseconds. Codes are per user: a space's owner code
 * lives in spaces.code, every other member's code in space_mappings. */
#include "space.h"

const char *const space_migrations[] = {
    /* 1: directory */
    /* Deleted spaces stay as tombstones (deleted_at set) so ids are never reused; the
     * partial unique index makes "one live space per (owner, code)" a database fact, which
     * turns parallel first entries into one INSERT and several no-ops. */
    "CREATE TABLE spaces ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  code TEXT NOT NULL,"
    "  owner_user_id TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  deleted_at INTEGER);"
    "CREATE UNIQUE INDEX spaces_live_owner_code ON spaces(owner_user_id, code)"
    "  WHERE deleted_at IS NULL;"
    /* a member's own code for a joined space: one per (user, space), unique per user */
    "CREATE TABLE space_mappings ("
    "  user_id TEXT NOT NULL,"
    "  space_id INTEGER NOT NULL REFERENCES spaces(id),"
    "  code TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (user_id, space_id));"
    "CREATE UNIQUE INDEX space_mappings_user_code ON space_mappings(user_id, code);"
    "CREATE INDEX space_mappings_space ON space_mappings(space_id);"
    /* id gives the insertion order of the members list */
    "CREATE TABLE space_members ("
    "  id INTEGER PRIMARY KEY,"
    "  space_id INTEGER NOT NULL REFERENCES spaces(id),"
    "  user_id TEXT NOT NULL,"
    "  joined_at INTEGER NOT NULL,"
    "  UNIQUE (space_id, user_id));"
    "CREATE TABLE space_blocks ("
    "  id INTEGER PRIMARY KEY,"
    "  space_id INTEGER NOT NULL REFERENCES spaces(id),"
    "  user_id TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  UNIQUE (space_id, user_id));"
    /* single use: used_by is set by one conditional UPDATE inside the redeeming transaction */
    "CREATE TABLE share_codes ("
    "  code TEXT PRIMARY KEY,"
    "  space_id INTEGER NOT NULL REFERENCES spaces(id),"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  used_by TEXT,"
    "  used_at INTEGER);"
    "CREATE INDEX share_codes_space ON share_codes(space_id);"
    "CREATE INDEX share_codes_expires ON share_codes(expires_at);"
    "CREATE TABLE user_aliases ("
    "  space_id INTEGER NOT NULL REFERENCES spaces(id),"
    "  user_id TEXT NOT NULL,"
    "  alias TEXT NOT NULL DEFAULT '',"
    "  avatar_url TEXT,"
    "  theme_preference TEXT,"
    "  updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY (space_id, user_id));"
    /* the bus: seq is the order every subscriber applies events in */
    "CREATE TABLE outbox ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  type TEXT NOT NULL,"
    "  space_id INTEGER NOT NULL,"
    "  user_id TEXT,"
    "  ts INTEGER NOT NULL);"
    "CREATE TABLE system_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    /* client page-view log, bounded (oldest rows trimmed) */
    "CREATE TABLE operation_logs ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_id TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  page TEXT,"
    "  detail TEXT,"
    "  space_id INTEGER,"
    "  ip TEXT,"
    "  created_at INTEGER NOT NULL);",
    NULL,
};
