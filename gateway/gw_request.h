/* Per-request state of the HTTP core (owned by MHD's con_cls, freed when MHD completes). */
#ifndef WH_GW_REQUEST_H
#define WH_GW_REQUEST_H
#include <stdatomic.h>
#include "gw_internal.h"

typedef enum { REQ_READING, REQ_IN_FLIGHT, REQ_DONE } req_phase;

typedef struct gw_request {
    struct MHD_Connection *conn;
    gw_req_info info;
    char rid[40], ip[64], method[8];
    char *url;
    char *uid;                      /* verified token subject or NULL */
    int has_token;                  /* a token was sent (valid or not) */
    double start_ms;
    /* special module route */
    int special;                    /* index + 1, 0 = none */
    void *special_state;
    int special_refused;            /* the core already answered (401) */
    /* JSON route */
    const gw_route *route;
    int route_index;
    int match_status;
    json_t *params;
    char *body;
    size_t body_len;
    int body_too_large;
    json_t *args;
    char role[8];
    int shard;
    /* result */
    req_phase phase;
    int status;
    json_t *reply;                  /* owned */
    void *reply_env;                /* or: the service's encoded reply (malloc'd) */
    size_t reply_env_len;
} gw_request;

/* Registered special handlers. */
typedef struct gw_special {
    const char *method, *prefix;
    int require_user;
    gw_special_fn fn;
    gw_cleanup_fn cleanup;
} gw_special;
const gw_special *gw_special_at(int index1);

/* The access and completion callbacks for MHD. */
enum MHD_Result gw_on_access(void *cls, struct MHD_Connection *conn, const char *url,
                             const char *method, const char *version, const char *upload_data,
                             size_t *upload_data_size, void **con_cls);
void gw_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                     enum MHD_RequestTerminationCode toe);
/* Requests waiting on an RPC (for a graceful stop). */
int gw_in_flight(void);

/* Endpoints the gateway answers itself (gw_ops.c). Each queues a response or, for login
 * with WeChat configured, suspends the connection and finishes later. */
enum MHD_Result gw_ops_dispatch(gw_request *r, int *handled);
/* Finish a request whose connection is suspended: store the result and resume. */
void gw_request_finish(gw_request *r, int status, json_t *body);
void gw_request_suspend(gw_request *r);
/* Answer now (not suspended); steals body. */
enum MHD_Result gw_request_respond(gw_request *r, int status, json_t *body);
#endif
