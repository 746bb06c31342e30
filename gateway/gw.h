/* Gateway internals shared by its modules (http core, routes, auth, websocket, upload).
 * The http core owns the MHD daemon and per-request state; modules plug in as "special"
 * handlers for paths that are not plain JSON RPC (multipart upload, websocket upgrade,
 * file download), registered by prefix at start-up. */
#ifndef WH_GW_H
#define WH_GW_H
#include <microhttpd.h>
#include <jansson.h>
#include <stdint.h>
#include "../common/rpc.h"

typedef enum { SVC_SPACE, SVC_CHAT, SVC_NOTES, SVC_WALLET, SVC_STORAGE, SVC_COUNT } gw_service;

/* RPC client of a service (shards inside). Never NULL after gw start-up. */
rpc_client *gw_client(gw_service s);
/* Per-call deadline for RPCs (GATEWAY_RPC_TIMEOUT_MS, default 5000). */
int gw_rpc_timeout_ms(void);

/* Identity and request facts, filled by the core before a special handler runs. */
typedef struct gw_req_info {
    const char *method;     /* "GET", "POST", ... */
    const char *url;        /* path without query */
    const char *uid;        /* verified token subject, NULL if no/invalid token */
    const char *rid;        /* request id */
    const char *ip;         /* client address */
} gw_req_info;

/* A special handler is called like an MHD access handler (first call with
 * *upload_data_size == 0, then once per body chunk, then a final call with size 0) and must
 * queue a response eventually. *state is the module's per-request storage; cleanup (if
 * given) runs when MHD completes the request. */
typedef enum MHD_Result (*gw_special_fn)(struct MHD_Connection *conn, const gw_req_info *info,
                                         const char *upload_data, size_t *upload_data_size,
                                         void **state);
typedef void (*gw_cleanup_fn)(void *state);
/* Register before the daemon starts. method NULL = any. require_user: the core answers 401
 * itself when there is no valid token. */
void gw_register_special(const char *method, const char *path_prefix, int require_user,
                         gw_special_fn fn, gw_cleanup_fn cleanup);

/* Queue a JSON response (status, body) on conn; body borrowed. */
enum MHD_Result gw_respond_json(struct MHD_Connection *conn, int status, const json_t *body);
enum MHD_Result gw_respond_error(struct MHD_Connection *conn, int status, const char *detail);

/* Membership: role of uid in space_id, cached briefly and invalidated by bus events.
 * Blocking (use from module threads, not from nng callbacks). 200 + role, or 404/503. */
int gw_member_role(int64_t space_id, const char *uid, const char *rid, char role[8]);
void gw_member_cache_invalidate(int64_t space_id, const char *uid /* NULL = whole space */);
/* The same cache without blocking (for modules that ask svc-space asynchronously, e.g. the
 * websocket handshake): 1 = hit (role filled), 0 = miss; remember stores an answer. */
int gw_member_cached(int64_t space_id, const char *uid, char role[8]);
void gw_member_remember(int64_t space_id, const char *uid, const char *role);

/* Verify an HS256 token; returns malloc'd subject or NULL. */
char *gw_token_subject(const char *token);

/* Module life cycles, called by main in this order after the core is configured. */
int ws_module_init(void);        /* gateway/ws*.c: registers GET /ws/ */
void ws_module_shutdown(void);
int upload_module_init(void);    /* gateway/upload*.c: registers POST /api/upload, GET /files/ */
void upload_module_shutdown(void);
#endif
