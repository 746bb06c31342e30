/* The bus, publisher side: events are rows of the outbox table written in the same
 * transaction as the change; they are published after the commit (best effort) and any
 * subscriber that missed one fetches it with bus.since. */
#include "space.h"
#include "../common/args.h"
#include "../common/bus.h"
#include "../common/config.h"
#include "../common/timeutil.h"

static bus_pub *publisher;   /* nng sockets are thread-safe: shared by all workers */

int space_bus_open(void) {
    publisher = bus_pub_open(cfg_url("SPACE_BUS_URL", "space.bus"));
    return publisher ? 0 : -1;
}

void space_bus_close(void) {
    bus_pub_close(publisher);
    publisher = NULL;
}

int space_outbox_append(db_conn *db, const char *type, int64_t space_id, const char *uid,
                        json_t **event) {
    int64_t ts = now_ms();
    sqlite3_stmt *s = db_stmt(db,
        "INSERT INTO outbox(type, space_id, user_id, ts) VALUES (?1, ?2, ?3, ?4)");
    if (!s) return -1;
    db_bind_text(s, 1, type);
    db_bind_int(s, 2, space_id);
    db_bind_text(s, 3, uid);
    db_bind_int(s, 4, ts);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return -1;
    *event = json_pack("{s:I,s:s,s:I,s:o,s:I}", "seq", (json_int_t)db_last_id(db), "type", type,
                       "space_id", (json_int_t)space_id, "user_id", json_string_or_null(uid),
                       "ts", (json_int_t)ts);
    return *event ? 0 : -1;
}

void space_outbox_publish(json_t *event) {
    if (!event) return;
    if (publisher) bus_publish(publisher, event);
    json_decref(event);
}

int space_drop_member(db_conn *db, int64_t space_id, const char *uid, json_t **event) {
    static const char *const sql[] = {
        "DELETE FROM space_members WHERE space_id = ?1 AND user_id = ?2",
        "DELETE FROM space_mappings WHERE space_id = ?1 AND user_id = ?2",
    };
    int removed = 0;
    *event = NULL;
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
        sqlite3_stmt *s = db_stmt(db, sql[i]);
        if (!s) return -1;
        db_bind_int(s, 1, space_id);
        db_bind_text(s, 2, uid);
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) return -1;
        removed += db_changes(db);
    }
    return removed ? space_outbox_append(db, "member.removed", space_id, uid, event) : 0;
}

/* internal: {after, limit} -> {events:[...], last_seq} in seq order */
int space_bus_since(svc_call *c, json_t **out) {
    int64_t after = 0, limit = 500;
    if (arg_int(c->args, "after", &after) < 0 || arg_int(c->args, "limit", &limit) < 0)
        return rpc_fail(out, 400, "参数格式错误");
    if (after < 0) after = 0;
    if (limit < 1) limit = 1;
    if (limit > 1000) limit = 1000;
    /* one read transaction: the list and last_seq describe the same snapshot */
    if (db_begin_read(c->db) != SQLITE_OK) return space_db_fail(c, out, "since begin");
    sqlite3_stmt *s = db_stmt(c->db,
        "SELECT seq, type, space_id, user_id, ts FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    if (!s) return space_db_fail(c, out, "since");
    db_bind_int(s, 1, after);
    db_bind_int(s, 2, limit);
    json_t *events = json_array();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) json_array_append_new(events, db_row_object(s));
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) { json_decref(events); return space_db_fail(c, out, "since step"); }
    s = db_stmt(c->db, "SELECT COALESCE(MAX(seq), 0) FROM outbox");
    if (!s || sqlite3_step(s) != SQLITE_ROW) {
        if (s) sqlite3_reset(s);
        json_decref(events);
        return space_db_fail(c, out, "since last");
    }
    json_int_t last = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    db_rollback(c->db);   /* ends the read transaction */
    return rpc_ok(out, json_pack("{s:o,s:I}", "events", events, "last_seq", last));
}
