#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "log.h"

/* Statement cache: open addressing on the SQL text pointer (callers pass literals). */
#define STMT_SLOTS 256

struct db_conn {
    sqlite3 *db;
    struct { const char *sql; sqlite3_stmt *stmt; } slots[STMT_SLOTS];
};

static int run_migrations(db_conn *c, const char *const *migrations) {
    if (!migrations) return 0;
    if (db_begin(c) != SQLITE_OK) return -1;
    sqlite3_stmt *s;
    int version = 0;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW) version = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    for (int i = version; migrations[i]; i++) {
        char *err = NULL;
        if (sqlite3_exec(c->db, migrations[i], NULL, NULL, &err) != SQLITE_OK) {
            LOG_ERROR(NULL, "migration %d failed: %s", i + 1, err ? err : "?");
            sqlite3_free(err);
            db_rollback(c);
            return -1;
        }
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", i + 1);
        if (db_exec(c, pragma) != SQLITE_OK) { db_rollback(c); return -1; }
    }
    return db_commit(c) == SQLITE_OK ? 0 : -1;
}

db_conn *db_open(const char *path, const char *const *migrations) {
    db_conn *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        LOG_ERROR(NULL, "sqlite open %s: %s", path, c->db ? sqlite3_errmsg(c->db) : "oom");
        db_close(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, 10000);
    /* journal_mode=WAL needs the write lock the first time; busy_timeout covers the race. */
    if (db_exec(c, "PRAGMA journal_mode=WAL") != SQLITE_OK ||
        db_exec(c, "PRAGMA synchronous=NORMAL") != SQLITE_OK ||
        db_exec(c, "PRAGMA foreign_keys=ON") != SQLITE_OK ||
        db_exec(c, "CREATE TABLE IF NOT EXISTS id_sequence"
                   "(name TEXT PRIMARY KEY, seq INTEGER NOT NULL)") != SQLITE_OK ||
        run_migrations(c, migrations) != 0) {
        db_close(c);
        return NULL;
    }
    return c;
}

void db_close(db_conn *c) {
    if (!c) return;
    for (int i = 0; i < STMT_SLOTS; i++)
        if (c->slots[i].stmt) sqlite3_finalize(c->slots[i].stmt);
    sqlite3_close_v2(c->db);
    free(c);
}

sqlite3 *db_handle(db_conn *c) { return c->db; }

sqlite3_stmt *db_stmt(db_conn *c, const char *sql) {
    size_t h = ((uintptr_t)sql >> 3) % STMT_SLOTS;
    for (int probe = 0; probe < STMT_SLOTS; probe++) {
        size_t i = (h + probe) % STMT_SLOTS;
        if (c->slots[i].sql == sql) {
            sqlite3_stmt *s = c->slots[i].stmt;
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
            return s;
        }
        if (!c->slots[i].sql) {
            sqlite3_stmt *s;
            if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
                LOG_ERROR(NULL, "prepare failed: %s: %.120s", sqlite3_errmsg(c->db), sql);
                return NULL;
            }
            c->slots[i].sql = sql;
            c->slots[i].stmt = s;
            return s;
        }
    }
    LOG_ERROR(NULL, "statement cache full");
    return NULL;
}

int db_exec(db_conn *c, const char *sql) {
    char *err = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        LOG_ERROR(NULL, "exec failed (%d): %s: %.120s", rc, err ? err : "?", sql);
        sqlite3_free(err);
    }
    return rc;
}

int db_begin(db_conn *c) { return db_exec(c, "BEGIN IMMEDIATE"); }
int db_begin_read(db_conn *c) { return db_exec(c, "BEGIN"); }
int db_commit(db_conn *c) {
    int rc = db_exec(c, "COMMIT");
    if (rc != SQLITE_OK) db_rollback(c);
    return rc;
}
void db_rollback(db_conn *c) {
    if (!sqlite3_get_autocommit(c->db)) sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

int db_bind_text(sqlite3_stmt *s, int i, const char *v) {
    return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}
int db_bind_int(sqlite3_stmt *s, int i, int64_t v) { return sqlite3_bind_int64(s, i, v); }

const char *db_col_text(sqlite3_stmt *s, int i) {
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NULL : (const char *)sqlite3_column_text(s, i);
}

json_t *db_col_json(sqlite3_stmt *s, int i) {
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(s, i));
    case SQLITE_FLOAT: return json_real(sqlite3_column_double(s, i));
    case SQLITE_TEXT: {
        json_t *v = json_stringn((const char *)sqlite3_column_text(s, i), sqlite3_column_bytes(s, i));
        return v ? v : json_null();
    }
    case SQLITE_BLOB:
        return json_stringn_nocheck(sqlite3_column_blob(s, i), sqlite3_column_bytes(s, i));
    default: return json_null();
    }
}

json_t *db_row_object(sqlite3_stmt *s) {
    json_t *o = json_object();
    int n = sqlite3_column_count(s);
    for (int i = 0; o && i < n; i++)
        json_object_set_new(o, sqlite3_column_name(s, i), db_col_json(s, i));
    return o;
}

int64_t db_last_id(db_conn *c) { return sqlite3_last_insert_rowid(c->db); }
int db_changes(db_conn *c) { return sqlite3_changes(c->db); }
