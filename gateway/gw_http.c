/* The HTTP core: per-request state, body collection, authentication, argument building,
 * and the asynchronous RPC (the connection is suspended while the service works). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "gw_request.h"
#include "../common/args.h"
#include "../common/config.h"
#include "../common/log.h"
#include "../common/mpjson.h"
#include "../common/rpc_envelope.h"

#define MAX_SPECIALS 16
static gw_special specials[MAX_SPECIALS];
static int nspecials;
static atomic_int in_flight;

int gw_in_flight(void) { return atomic_load(&in_flight); }

void gw_register_special(const char *method, const char *prefix, int require_user,
                         gw_special_fn fn, gw_cleanup_fn cleanup) {
    if (nspecials < MAX_SPECIALS)
        specials[nspecials++] = (gw_special){method, prefix, require_user, fn, cleanup};
}

const gw_special *gw_special_at(int index1) { return &specials[index1 - 1]; }

static double now_ms_f(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---------- responses ---------- */

static enum MHD_Result queue(struct MHD_Connection *conn, int status, const char *ctype,
                             void *data, size_t len, const char *rid, const char *cache) {
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!resp) { free(data); return MHD_NO; }
    MHD_add_response_header(resp, "Content-Type", ctype);
    if (rid) MHD_add_response_header(resp, "X-Request-Id", rid);
    if (cache) MHD_add_response_header(resp, "Cache-Control", cache);
    enum MHD_Result q = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return q;
}

static enum MHD_Result respond_body(struct MHD_Connection *conn, int status, const json_t *body,
                                    const char *rid) {
    const json_t *raw = json_is_object(body) ? json_object_get(body, "__raw") : NULL;
    if (status == 200 && json_is_string(raw)) {
        size_t n = json_string_length(raw);
        void *copy = malloc(n ? n : 1);
        if (!copy) return MHD_NO;
        memcpy(copy, json_string_value(raw), n);
        const char *ctype = json_str_or_null(json_object_get(body, "__ctype"));
        return queue(conn, status, ctype ? ctype : "application/octet-stream", copy, n, rid,
                     json_str_or_null(json_object_get(body, "__cache")));
    }
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)
                      : strdup("{}");
    if (!text) return MHD_NO;
    return queue(conn, status, "application/json; charset=utf-8", text, strlen(text), rid, NULL);
}

enum MHD_Result gw_respond_json(struct MHD_Connection *conn, int status, const json_t *body) {
    return respond_body(conn, status, body, NULL);
}

enum MHD_Result gw_respond_error(struct MHD_Connection *conn, int status, const char *detail) {
    json_t *b = json_pack("{s:s}", "detail", detail);
    enum MHD_Result q = respond_body(conn, status, b, NULL);
    json_decref(b);
    return q;
}

static const msgpack_object *map_get(const msgpack_object *map, const char *key) {
    if (!map || map->type != MSGPACK_OBJECT_MAP) return NULL;
    size_t n = strlen(key);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == n && !memcmp(k->via.str.ptr, key, n))
            return &map->via.map.ptr[i].val;
    }
    return NULL;
}

static char *mp_strdup(const msgpack_object *v) {
    return v && v->type == MSGPACK_OBJECT_STR ? strndup(v->via.str.ptr, v->via.str.size) : NULL;
}

/* Writes an encoded service reply straight to the client; returns the status sent. */
static enum MHD_Result respond_envelope(gw_request *r, int *status) {
    msgpack_unpacked u;
    const msgpack_object *body;
    enum MHD_Result q;
    if (rpc_reply_view(r->reply_env, r->reply_env_len, &u, status, &body)) {
        msgpack_unpacked_destroy(&u);
        *status = 502;
        json_t *b = json_pack("{s:s}", "detail", "服务响应无效");
        q = respond_body(r->conn, 502, b, r->rid);
        json_decref(b);
        return q;
    }
    const msgpack_object *raw = *status == 200 ? map_get(body, "__raw") : NULL;
    if (raw && (raw->type == MSGPACK_OBJECT_STR || raw->type == MSGPACK_OBJECT_BIN)) {
        size_t n = raw->type == MSGPACK_OBJECT_STR ? raw->via.str.size : raw->via.bin.size;
        const char *p = raw->type == MSGPACK_OBJECT_STR ? raw->via.str.ptr : raw->via.bin.ptr;
        void *copy = malloc(n ? n : 1);
        char *ctype = mp_strdup(map_get(body, "__ctype")), *cache = mp_strdup(map_get(body, "__cache"));
        if (copy) memcpy(copy, p, n);
        q = copy ? queue(r->conn, 200, ctype ? ctype : "application/octet-stream", copy, n, r->rid, cache)
                 : MHD_NO;
        free(ctype);
        free(cache);
    } else {
        char *text = NULL;
        size_t len = 2;
        if (!body) text = strdup("{}");
        else if (mp_write_json(body, &text, &len)) text = NULL;
        q = text ? queue(r->conn, *status, "application/json; charset=utf-8", text, len, r->rid, NULL) : MHD_NO;
    }
    msgpack_unpacked_destroy(&u);
    return q;
}

/* Queues r's result, records metrics and (for errors or when asked) a log line. */
static enum MHD_Result respond(gw_request *r, int status, json_t *body) {
    enum MHD_Result q = r->reply_env ? respond_envelope(r, &status)
                                     : respond_body(r->conn, status, body, r->rid);
    double ms = now_ms_f() - r->start_ms;
    gw_metrics_observe(r->route ? r->route_index : -1, status, ms);
    if (status >= 500 || ms > 1000 || cfg_bool("GATEWAY_ACCESS_LOG", 0))
        log_write(status >= 500 ? "error" : "info", r->rid, "%s %s -> %d in %.1f ms", r->method,
                  r->url, status, ms);
    return q;
}

static enum MHD_Result respond_error(gw_request *r, int status, const char *detail) {
    json_t *b = json_pack("{s:s}", "detail", detail);
    enum MHD_Result q = respond(r, status, b);
    json_decref(b);
    return q;
}

enum MHD_Result gw_request_respond(gw_request *r, int status, json_t *body) {
    enum MHD_Result q = respond(r, status, body);
    json_decref(body);
    return q;
}

/* ---------- suspension ---------- */

void gw_request_suspend(gw_request *r) {
    r->phase = REQ_IN_FLIGHT;
    atomic_fetch_add(&in_flight, 1);
    MHD_suspend_connection(r->conn);
}

void gw_request_finish(gw_request *r, int status, json_t *body) {
    r->status = status;
    r->reply = body;
    r->phase = REQ_DONE;
    MHD_resume_connection(r->conn);   /* MHD calls gw_on_access again, which responds */
}

/* The service's reply stays msgpack until the MHD thread writes it out as JSON text. */
static void on_call_done(void *arg, int status, void *reply, size_t len) {
    gw_request *r = arg;
    if (!reply) {
        gw_metrics_rpc_error(r->route->service);
        gw_request_finish(r, status, json_pack("{s:s}", "detail", status == 504 ? "服务响应超时" : "服务暂不可用"));
        return;
    }
    r->reply_env = reply;
    r->reply_env_len = len;
    gw_request_finish(r, 0, NULL);
}

static void call_service(gw_request *r) {
    rpc_meta meta = {.rid = r->rid, .uid = r->uid, .role = r->role[0] ? r->role : NULL, .ip = r->ip};
    if (rpc_call_async_raw(gw_client(r->route->service), r->shard, r->route->rpc, &meta, r->args,
                           gw_rpc_timeout_ms(), on_call_done, r) != 0)
        gw_request_finish(r, 503, json_pack("{s:s}", "detail", "服务暂不可用"));
}

static void on_role_done(void *arg, int status, json_t *body) {
    gw_request *r = arg;
    const json_t *role = json_object_get(body, "role");
    if (status == 200 && json_is_string(role)) {
        int64_t sid = 0;
        arg_int(r->args, "space_id", &sid);
        snprintf(r->role, sizeof r->role, "%s", json_string_value(role));
        gw_member_remember(sid, r->uid, r->role);
        json_decref(body);
        call_service(r);
        return;
    }
    if (status == 502 || status == 503 || status == 504) gw_metrics_rpc_error(SVC_SPACE);
    else if (status != 200) { json_decref(body); body = json_pack("{s:s}", "detail", "空间不存在"); status = 404; }
    gw_request_finish(r, status, body);
}

/* ---------- request building ---------- */

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value) {
    char k[128];
    gw_snake_case(key, k, sizeof k);
    json_t *v = json_string(value ? value : "");
    if (v) json_object_set_new((json_t *)cls, k, v);
    return MHD_YES;
}

static const char *header(gw_request *r, const char *name) {
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static void identify(gw_request *r) {
    const char *auth = header(r, "Authorization");
    const char *token = NULL;
    if (auth && !strncasecmp(auth, "Bearer ", 7)) token = auth + 7;
    if (!token || !*token) token = header(r, "X-Auth-Token");
    if (token && *token) {
        r->has_token = 1;
        r->uid = gw_token_subject(token);
    }
    r->info.uid = r->uid;
}

static int headers_match_identity(gw_request *r) {
    static const char *names[] = {"X-User-Id", "X-Openid", "X-Userid"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = header(r, names[i]);
        if (v && *v && (!r->uid || strcmp(v, r->uid))) return 0;
    }
    return 1;
}

/* Builds r->args from query, body and path; answers the error itself (returns 0). */
static int build_args(gw_request *r, enum MHD_Result *q) {
    json_t *query = json_object(), *body = NULL;
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_query, query);
    if (r->body_len) {
        json_error_t err;
        body = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
        if (!body) { json_decref(query); *q = respond_error(r, 400, "请求体不是合法的JSON"); return 0; }
        if (!json_is_object(body)) {
            json_decref(query);
            json_decref(body);
            *q = respond_error(r, 400, "请求体必须是JSON对象");
            return 0;
        }
    }
    if (r->route->auth != GW_AUTH_PUBLIC &&
        (gw_identity_fields_match(query, r->uid) || (body && gw_identity_fields_match(body, r->uid)))) {
        json_decref(query);
        json_decref(body);
        *q = respond_error(r, 403, "用户身份不匹配");
        return 0;
    }
    r->args = query;
    if (body) gw_merge_normalised(r->args, body);
    json_decref(body);
    gw_merge_normalised(r->args, r->params);
    return 1;
}

static int select_shard(gw_request *r) {
    rpc_client *c = gw_client(r->route->service);
    const char *key = r->route->shard_key;
    int64_t id = 0;
    if (!key || arg_int(r->args, key, &id) != 1) return 0;
    return !strcmp(key, "space_id") ? rpc_shard_for_space(c, id) : rpc_shard_for_object(c, id);
}

static enum MHD_Result dispatch_route(gw_request *r) {
    if (r->route->auth != GW_AUTH_PUBLIC) {
        if (!r->uid) return respond_error(r, 401, r->has_token ? "无效登录凭证" : "缺少用户身份");
        if (!headers_match_identity(r)) return respond_error(r, 403, "用户身份不匹配");
    }
    if (r->body_too_large) return respond_error(r, 413, "请求体过大");
    enum MHD_Result q;
    if (!build_args(r, &q)) return q;
    if (!gw_backend_enabled(r->route->service)) return respond_error(r, 503, "服务未启用");
    if (!strcmp(r->route->rpc, "space.join_by_share")) {
        long limit = cfg_int("RATE_JOIN_PER_MIN", 10);
        if (!gw_rate_allow("join-user", r->uid, limit) || !gw_rate_allow("join-ip", r->ip, limit))
            return respond_error(r, 429, "请求过于频繁，请稍后再试");
    }
    r->shard = select_shard(r);
    if (r->route->auth == GW_AUTH_MEMBER) {
        int64_t sid = 0;
        if (arg_int(r->args, "space_id", &sid) != 1 || sid <= 0)
            return respond_error(r, 400, "缺少空间ID");
        if (!gw_member_cached(sid, r->uid, r->role)) {
            json_t *a = json_pack("{s:I,s:s}", "space_id", (json_int_t)sid, "user_id", r->uid);
            rpc_meta meta = {.rid = r->rid, .uid = r->uid, .ip = r->ip};
            gw_request_suspend(r);
            if (rpc_call_async(gw_client(SVC_SPACE), 0, "space.role", &meta, a, gw_rpc_timeout_ms(),
                               on_role_done, r) != 0)
                gw_request_finish(r, 503, json_pack("{s:s}", "detail", "服务暂不可用"));
            json_decref(a);
            return MHD_YES;
        }
    }
    gw_request_suspend(r);
    call_service(r);
    return MHD_YES;
}

/* ---------- MHD callbacks ---------- */

static void client_ip(struct MHD_Connection *conn, char *buf, size_t n) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    buf[0] = 0;
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)n);
    else if (sa->sa_family == AF_INET6) inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)n);
}

static void request_id(gw_request *r) {
    const char *given = header(r, "X-Request-Id");
    if (given && strlen(given) < sizeof r->rid && strlen(given) >= 8 &&
        strspn(given, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == strlen(given)) {
        snprintf(r->rid, sizeof r->rid, "%s", given);
        return;
    }
    snprintf(r->rid, sizeof r->rid, "%016llx", (unsigned long long)rpc_random_u64());
}

static gw_request *request_new(struct MHD_Connection *conn, const char *url, const char *method) {
    gw_request *r = calloc(1, sizeof *r);
    if (!r || !(r->url = strdup(url)) || !(r->params = json_object())) {
        if (r) { free(r->url); free(r); }
        return NULL;
    }
    r->conn = conn;
    r->start_ms = now_ms_f();
    snprintf(r->method, sizeof r->method, "%s", method);
    client_ip(conn, r->ip, sizeof r->ip);
    request_id(r);
    identify(r);
    r->info = (gw_req_info){.method = r->method, .url = r->url, .uid = r->uid, .rid = r->rid, .ip = r->ip};
    for (int i = 0; i < nspecials; i++) {
        const gw_special *s = &specials[i];
        if ((!s->method || !strcmp(s->method, method)) && !strncmp(url, s->prefix, strlen(s->prefix))) {
            r->special = i + 1;
            return r;
        }
    }
    r->route = gw_route_match(method, url, r->params, &r->match_status);
    r->route_index = r->route ? (int)(r->route - gw_route_at(0)) : -1;
    return r;
}

enum MHD_Result gw_on_access(void *cls, struct MHD_Connection *conn, const char *url,
                             const char *method, const char *version, const char *upload_data,
                             size_t *upload_data_size, void **con_cls) {
    gw_request *r = *con_cls;
    if (!r) {
        if (!(r = request_new(conn, url, method))) return MHD_NO;
        *con_cls = r;
        if (r->special) {
            const gw_special *s = gw_special_at(r->special);
            if (s->require_user && !r->uid) {
                r->special_refused = 1;
                return respond_error(r, 401, r->has_token ? "无效登录凭证" : "缺少用户身份");
            }
            return s->fn(conn, &r->info, upload_data, upload_data_size, &r->special_state);
        }
        return MHD_YES;                          /* the body (if any) comes next */
    }
    if (r->special) {
        if (r->special_refused) { *upload_data_size = 0; return MHD_YES; }
        return gw_special_at(r->special)->fn(conn, &r->info, upload_data, upload_data_size,
                                            &r->special_state);
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        size_t max = (size_t)cfg_int("GATEWAY_MAX_BODY", 1 << 20);
        if (r->body_len + n > max) {
            r->body_too_large = 1;
        } else if (!r->body_too_large) {
            char *grown = realloc(r->body, r->body_len + n + 1);
            if (!grown) return MHD_NO;
            memcpy(grown + r->body_len, upload_data, n);
            r->body = grown;
            r->body_len += n;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->phase == REQ_DONE) {
        atomic_fetch_sub(&in_flight, 1);
        enum MHD_Result q = respond(r, r->status, r->reply);
        json_decref(r->reply);
        r->reply = NULL;
        r->phase = REQ_READING + 100;            /* answered */
        return q;
    }
    if (r->phase != REQ_READING) return MHD_YES;
    if (!r->route) {
        int handled = 0;
        enum MHD_Result q = gw_ops_dispatch(r, &handled);
        if (handled) return q;
        if (r->match_status == 405) return respond_error(r, 405, "Method Not Allowed");
        return respond_error(r, 404, "Not Found");
    }
    return dispatch_route(r);
}

void gw_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                     enum MHD_RequestTerminationCode toe) {
    gw_request *r = *con_cls;
    if (!r) return;
    if (r->special && gw_special_at(r->special)->cleanup && r->special_state)
        gw_special_at(r->special)->cleanup(r->special_state);
    json_decref(r->params);
    json_decref(r->args);
    json_decref(r->reply);
    free(r->reply_env);
    free(r->body);
    free(r->url);
    free(r->uid);
    free(r);
    *con_cls = NULL;
}
