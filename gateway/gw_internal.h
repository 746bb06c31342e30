/* Private to the gateway core (main, http, routes, auth, members, metrics, limits). */
#ifndef WH_GW_INTERNAL_H
#define WH_GW_INTERNAL_H
#include "gw.h"

/* ---- routes (proto/routes.def) ---- */
typedef enum { GW_AUTH_PUBLIC, GW_AUTH_USER, GW_AUTH_MEMBER } gw_auth;
typedef struct gw_route {
    const char *method, *path;
    gw_service service;
    const char *rpc;
    gw_auth auth;
    const char *shard_key;
} gw_route;
int gw_route_count(void);
const gw_route *gw_route_at(int i);
/* Matches method+path; fills params (path parameters) and returns the route, or NULL with
 * *status 404 (no such path) or 405 (path exists, other method). */
const gw_route *gw_route_match(const char *method, const char *path, json_t *params, int *status);
const char *gw_service_name(gw_service s);

/* ---- arguments ---- */
/* camelCase -> snake_case into buf ("spaceId" -> "space_id"). */
void gw_snake_case(const char *key, char *buf, size_t n);
/* Adds every (normalised) key of src into dst, replacing existing ones. */
void gw_merge_normalised(json_t *dst, const json_t *src);
/* 0 if every identity field in obj (user_id, operator_user_id, auth_user, openid) is
 * absent, empty or equal to uid; -1 otherwise. */
int gw_identity_fields_match(const json_t *obj, const char *uid);

/* ---- tokens ---- */
/* HS256 JWT {sub, iat, exp}; malloc'd. */
char *gw_token_issue(const char *subject, long ttl_seconds);
/* 0 ok (subject malloc'd into *sub), -1 invalid, -2 expired. */
int gw_token_verify(const char *token, const char *secret, char **sub);
int gw_auth_init(void);
long gw_token_ttl_seconds(void);

/* ---- login ---- */
int gw_login_dev_enabled(void);
int gw_wechat_configured(void);
/* Blocking WeChat exchange (run off the MHD threads). Returns status; *openid malloc'd on
 * 200, *detail malloc'd otherwise. */
int gw_wechat_exchange(const char *code, char **openid, char **detail);

/* ---- membership cache ---- */
int gw_members_init(void);
void gw_members_shutdown(void);
/* (gw_member_cached / gw_member_remember are in gw.h: the websocket module uses them.) */

/* ---- rate limits ---- */
/* 1 allowed, 0 over the per-minute limit for key in bucket. */
int gw_rate_allow(const char *bucket, const char *key, long per_minute);

/* ---- metrics ---- */
void gw_metrics_observe(int route_index, int status, double millis);  /* -1 = no route */
void gw_metrics_rpc_error(gw_service s);
char *gw_metrics_render(void);                                          /* malloc'd */

/* ---- backends ---- */
int gw_backend_enabled(gw_service s);
int gw_backends_open(void);    /* GATEWAY_BACKENDS, GATEWAY_RPC_TIMEOUT_MS */
void gw_backends_close(void);
#endif
