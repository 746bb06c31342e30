/* The space event bus. svc-space writes every event into its outbox table (seq INTEGER
 * PRIMARY KEY AUTOINCREMENT) in the same transaction as the change, then publishes it on
 * nng PUB (SPACE_BUS_URL). Event object:
 *   {"seq": int, "type": "space.deleted" | "member.removed", "space_id": int,
 *    "user_id": str|null, "ts": epoch ms}
 * Subscribers (bus_sub) keep the last applied seq in their own database (table bus_state),
 * apply events strictly in order, and catch up over RPC ("bus.since" on svc-space, args
 * {"after": seq, "limit": n} -> {"events": [...], "last_seq": int}) at start, on any gap,
 * and every few seconds (so a lost final message is also recovered). */
#ifndef WH_BUS_H
#define WH_BUS_H
#include <jansson.h>
#include "db.h"

/* ---- publisher (svc-space; svc-chat uses the same one for its chat events) ---- */
typedef struct bus_pub bus_pub;
bus_pub *bus_pub_open(const char *url);
int bus_publish(bus_pub *p, const json_t *event);   /* msgpack; best effort */
void bus_pub_close(bus_pub *p);

/* ---- subscriber (every other service, and tests) ---- */
/* Apply one event inside an open write transaction on db. Return 0 to commit (the seq is
 * recorded in the same transaction), non-zero to roll back and retry later. Must be
 * idempotent (an event can be re-applied after a crash between apply and commit never
 * happens, but keep it safe anyway). Event types it does not care about: return 0. */
typedef int (*bus_apply_fn)(db_conn *db, const json_t *event, void *arg);
typedef void (*bus_after_fn)(const json_t *event, void *arg); /* after commit, optional */

/* Helpers for apply functions: the space id of a "space.deleted" event (0 for any other
 * event), and running purge statements that each take the space id as ?1. 0 = all done. */
int64_t bus_deleted_space(const json_t *event);
int bus_purge_space(db_conn *db, const char *const *statements, size_t n, int64_t space_id);

typedef struct bus_sub bus_sub;
typedef struct bus_sub_opts {
    const char *bus_url;        /* SPACE_BUS_URL */
    const char *space_rpc_urls; /* SPACE_RPC_URL for catch-up */
    const char *db_path;        /* the service's own database (bus_state table is created) */
    bus_apply_fn apply;
    bus_after_fn after;         /* e.g. close websockets, drop caches; may be NULL */
    void *arg;
    int poll_ms;                /* catch-up poll period, default 2000 */
} bus_sub_opts;
bus_sub *bus_sub_start(const bus_sub_opts *o);
void bus_sub_stop(bus_sub *s);
long long bus_sub_last_seq(bus_sub *s);
#endif
