/* sqlite3 helpers: one db_conn per worker thread (WAL lets readers run beside a writer).
 * Statements are prepared once per connection and cached by SQL text pointer, so pass
 * string literals (or other stable pointers) to db_stmt. */
#ifndef WH_DB_H
#define WH_DB_H
#include <sqlite3.h>
#include <jansson.h>
#include <stdint.h>

typedef struct db_conn db_conn;

/* Open (creating) path with WAL, busy_timeout, foreign_keys, synchronous=NORMAL and run
 * migrations: migrations[i] is applied when PRAGMA user_version <= i; list ends with NULL.
 * Migration runs inside BEGIN IMMEDIATE so concurrent openers are safe. NULL on error. */
db_conn *db_open(const char *path, const char *const *migrations);
void db_close(db_conn *c);
sqlite3 *db_handle(db_conn *c);

/* Cached prepared statement, reset and with bindings cleared. NULL on error (logged). */
sqlite3_stmt *db_stmt(db_conn *c, const char *sql);

int db_exec(db_conn *c, const char *sql);      /* SQLITE_OK or error code (logged) */
int db_begin(db_conn *c);                      /* BEGIN IMMEDIATE (write transaction) */
int db_begin_read(db_conn *c);                 /* BEGIN (deferred) for consistent reads */
int db_commit(db_conn *c);
void db_rollback(db_conn *c);                  /* no-op if no transaction is open */

/* Bind helpers (1-based index). Text is copied (SQLITE_TRANSIENT); NULL binds NULL. */
int db_bind_text(sqlite3_stmt *s, int i, const char *v);
int db_bind_int(sqlite3_stmt *s, int i, int64_t v);
/* Column helpers: text column or NULL; jansson value from a column (int, real, text, null). */
const char *db_col_text(sqlite3_stmt *s, int i);
json_t *db_col_json(sqlite3_stmt *s, int i);
/* Current row as a JSON object keyed by column names (aliases via "AS"). New reference. */
json_t *db_row_object(sqlite3_stmt *s);
int64_t db_last_id(db_conn *c);
int db_changes(db_conn *c);
#endif
