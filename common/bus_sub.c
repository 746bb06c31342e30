/* Subscriber side of the bus: apply events in seq order, exactly once per database. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "bus.h"
#include "mpjson.h"
#include "rpc.h"
#include "log.h"
#include "subscriber.h"

#define CATCH_UP_BATCH 500
/* Short on purpose: bus_sub_stop waits for a catch-up in flight, and an unreachable
 * svc-space must not hold a stopping service for long (the next poll simply retries). */
#define CATCH_UP_TIMEOUT_MS 1000

int64_t bus_deleted_space(const json_t *event) {
    const json_t *type = json_object_get(event, "type");
    if (!json_is_string(type) || strcmp(json_string_value(type), "space.deleted")) return 0;
    json_int_t sid = json_integer_value(json_object_get(event, "space_id"));
    return sid > 0 ? sid : 0;
}

int bus_purge_space(db_conn *db, const char *const *statements, size_t n, int64_t space_id) {
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *s = db_stmt(db, statements[i]);
        if (!s) return -1;
        db_bind_int(s, 1, space_id);
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) return -1;
    }
    return 0;
}

struct bus_sub {
    bus_sub_opts o;
    db_conn *db;
    rpc_client *space;
    subscriber *sub;
    atomic_llong last_seq;
};

static int load_state(bus_sub *s) {
    if (db_exec(s->db, "CREATE TABLE IF NOT EXISTS bus_state"
                       "(id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL)") ||
        db_exec(s->db, "INSERT OR IGNORE INTO bus_state(id, last_seq) VALUES (1, 0)"))
        return -1;
    sqlite3_stmt *st = db_stmt(s->db, "SELECT last_seq FROM bus_state WHERE id = 1");
    if (!st || sqlite3_step(st) != SQLITE_ROW) return -1;
    atomic_store(&s->last_seq, sqlite3_column_int64(st, 0));
    sqlite3_reset(st);
    return 0;
}

/* Applies one event and records its seq in the same transaction. 0 = applied. */
static int apply_one(bus_sub *s, const json_t *ev) {
    json_int_t seq = json_integer_value(json_object_get(ev, "seq"));
    if (seq <= atomic_load(&s->last_seq)) return 0;          /* already applied */
    if (db_begin(s->db) != SQLITE_OK) return -1;
    if (s->o.apply(s->db, ev, s->o.arg) != 0) {
        db_rollback(s->db);
        LOG_WARN(NULL, "bus event %lld not applied; will retry", (long long)seq);
        return -1;
    }
    sqlite3_stmt *st = db_stmt(s->db, "UPDATE bus_state SET last_seq = ?1 WHERE id = 1");
    if (!st || db_bind_int(st, 1, seq) || sqlite3_step(st) != SQLITE_DONE) {
        if (st) sqlite3_reset(st);
        db_rollback(s->db);
        return -1;
    }
    sqlite3_reset(st);
    if (db_commit(s->db) != SQLITE_OK) return -1;
    atomic_store(&s->last_seq, seq);
    if (s->o.after) s->o.after(ev, s->o.arg);
    return 0;
}

/* Asks svc-space for everything after last_seq, in batches. 0 when up to date. */
static int catch_up(bus_sub *s) {
    for (;;) {
        json_t *args = json_pack("{s:I,s:i}", "after", (json_int_t)atomic_load(&s->last_seq),
                                 "limit", CATCH_UP_BATCH);
        json_t *reply = NULL;
        rpc_meta meta = {.rid = "bus-catch-up"};
        int st = rpc_call(s->space, 0, "bus.since", &meta, args, CATCH_UP_TIMEOUT_MS, &reply);
        json_decref(args);
        json_t *events = json_object_get(reply, "events");
        if (st != 200 || !json_is_array(events)) { json_decref(reply); return -1; }
        size_t i, n = json_array_size(events);
        json_t *ev;
        json_array_foreach(events, i, ev) {
            if (apply_one(s, ev)) { json_decref(reply); return -1; }
        }
        json_decref(reply);
        if (n < CATCH_UP_BATCH) return 0;
    }
}

/* Reader thread: at start and every poll (a lost last message is found this way). */
static void on_tick(void *arg) {
    bus_sub *s = arg;
    if (catch_up(s)) LOG_WARN(NULL, "bus catch-up from seq %lld failed; will retry",
                              (long long)atomic_load(&s->last_seq));
}

/* Reader thread: the next event in order is applied; a gap or a failure catches up. */
static void on_event(const void *buf, size_t len, void *arg) {
    bus_sub *s = arg;
    json_t *ev = mp_decode(buf, len);
    json_int_t seq = json_integer_value(json_object_get(ev, "seq"));
    long long last = atomic_load(&s->last_seq);
    if (ev && seq == last + 1) {
        if (apply_one(s, ev)) catch_up(s);
    } else if (ev && seq > last) {
        catch_up(s);
    }
    json_decref(ev);
}

bus_sub *bus_sub_start(const bus_sub_opts *o) {
    bus_sub *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->o = *o;
    if (s->o.poll_ms <= 0) s->o.poll_ms = 2000;
    if (!(s->db = db_open(o->db_path, NULL)) || load_state(s) ||
        !(s->space = rpc_client_open(o->space_rpc_urls)))
        goto fail;
    subscriber_opts so = {.what = "space bus", .urls = o->bus_url, .on_message = on_event,
                          .on_tick = on_tick, .tick_ms = s->o.poll_ms, .arg = s};
    if (!(s->sub = subscriber_start(&so))) goto fail;
    LOG_INFO(NULL, "bus subscriber on %s from seq %lld", o->bus_url, (long long)atomic_load(&s->last_seq));
    return s;
fail:
    rpc_client_close(s->space);
    db_close(s->db);
    free(s);
    return NULL;
}

void bus_sub_stop(bus_sub *s) {
    if (!s) return;
    subscriber_stop(s->sub);
    rpc_client_close(s->space);
    db_close(s->db);
    free(s);
}

long long bus_sub_last_seq(bus_sub *s) { return atomic_load(&s->last_seq); }
