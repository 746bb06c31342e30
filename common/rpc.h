/* RPC between processes: msgpack envelopes over nng REQ/REP.
 *
 * Request envelope (msgpack map):
 *   m    method name, "space.enter"                    (proto/routes.def)
 *   cid  call id: random u64 per call; an nng resend carries the same cid, and the server
 *        answers a repeated cid from its reply cache instead of running the handler twice
 *   rid  request id from the gateway (log correlation, X-Request-Id)
 *   uid  verified user id (token subject) or nil
 *   role "owner" | "member" when the gateway checked membership of args.space_id, else nil
 *   ip   client address (rate limits, logs) or nil
 *   a    arguments: map (query string + JSON body + path parameters, snake_case keys)
 * Reply envelope: { st: HTTP-like status, b: body }  — errors use b = {"detail": "..."}.
 * Transport failures surface as st 503 (unreachable) or 504 (deadline). */
#ifndef WH_RPC_H
#define WH_RPC_H
#include <jansson.h>
#include <stdint.h>
#include "db.h"

typedef struct rpc_meta {
    const char *rid, *uid, *role, *ip;
} rpc_meta;

/* ---------- server side ---------- */
typedef struct svc_call {
    const char *method;
    rpc_meta meta;          /* from the envelope; strings valid during the call */
    json_t *args;           /* borrowed; always an object (empty if absent) */
    db_conn *db;            /* this worker's connection (NULL if the service has no db) */
    int worker;             /* worker index */
} svc_call;

/* Returns the status; sets *out to a new reference (the body) or leaves it NULL for {}. */
typedef int (*rpc_handler_fn)(svc_call *c, json_t **out);
typedef struct rpc_route { const char *method; rpc_handler_fn fn; } rpc_route;

/* Set *out = {"detail": detail} and return status. */
int rpc_fail(json_t **out, int status, const char *detail);
/* Set *out = body (steals reference) and return 200. */
int rpc_ok(json_t **out, json_t *body);

typedef struct rpc_server rpc_server;
typedef struct rpc_server_opts {
    const char *url;                 /* listen URL */
    const rpc_route *routes;         /* terminated by {NULL, NULL} */
    int workers;                     /* worker threads, each with its own nng_ctx + aio */
    const char *db_path;             /* NULL = no database */
    const char *const *migrations;
    const char *service;             /* for logs */
} rpc_server_opts;
/* Binds, opens one db_conn per worker, starts workers. Built-in method "health" -> {ok:true}. */
rpc_server *rpc_server_start(const rpc_server_opts *o);
/* Stops receiving, lets in-flight calls finish and reply, closes dbs. */
void rpc_server_stop(rpc_server *s);

/* ---------- client side ---------- */
typedef struct rpc_client rpc_client;
/* urls: one URL or a comma-separated list of shard URLs. Dials lazily/non-blocking. */
rpc_client *rpc_client_open(const char *urls);
void rpc_client_close(rpc_client *c);
int rpc_client_shards(const rpc_client *c);
/* Shard owning a space (stable: space_id mod shards) and shard of a composed object id
 * (ids.h). Both in [0, shards). */
int rpc_shard_for_space(const rpc_client *c, int64_t space_id);
int rpc_shard_for_object(const rpc_client *c, int64_t object_id);

/* Blocking call to shard. args borrowed (may be NULL). Returns status; *out new ref or NULL. */
int rpc_call(rpc_client *c, int shard, const char *method, const rpc_meta *meta,
             const json_t *args, int timeout_ms, json_t **out);

/* Async call: cb runs on an nng thread exactly once (do not block long in it).
 * body is a new reference the callback owns (may be NULL). Returns 0 if submitted; on -1
 * the callback is not called. */
typedef void (*rpc_done_fn)(void *arg, int status, json_t *body);
int rpc_call_async(rpc_client *c, int shard, const char *method, const rpc_meta *meta,
                   const json_t *args, int timeout_ms, rpc_done_fn cb, void *arg);

/* The same, but the reply is handed over still encoded, so a caller that only relays it
 * (the gateway writing JSON text) never builds a tree: reply is the whole reply envelope
 * (malloc'd; the callback frees it), or NULL with status 503/504 on transport failure.
 * rpc_reply_view() reads the status and body from it. */
typedef void (*rpc_raw_done_fn)(void *arg, int status, void *reply, size_t len);
int rpc_call_async_raw(rpc_client *c, int shard, const char *method, const rpc_meta *meta,
                       const json_t *args, int timeout_ms, rpc_raw_done_fn cb, void *arg);
#endif
