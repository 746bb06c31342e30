/* GET /ws/chat/{space_id}: checks the upgrade request, the caller's token and membership,
 * then answers 101 and hands the socket to the loop. Rejections are plain HTTP answers
 * (401 no/invalid token, 403 not a member or no such space — one answer for both), which
 * the mini-program treats as a failed connect and retries. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "ws.h"
#include "gw.h"
#include "../common/args.h"

/* One handshake: checked (phase CHECKING: the connection is suspended while svc-space
 * answers the membership question asynchronously, so no MHD thread ever waits), then
 * answered. Shared by the request cleanup and, once upgraded, the upgrade callback; whoever
 * runs last frees it. */
typedef enum { CHECKING = 1, ANSWERED } hs_phase;
typedef struct hs_state {
    atomic_int refs;
    hs_phase phase;
    struct MHD_Connection *conn;
    int role_status;
    char accept[40];
    ws_adopt a;
} hs_state;

static atomic_int checking;        /* suspended handshakes (shutdown waits for them) */

static void release(hs_state *h) {
    if (h && atomic_fetch_sub(&h->refs, 1) == 1) free(h);
}

static void on_upgrade(void *cls, struct MHD_Connection *connection, void *con_cls,
                       const char *extra_in, size_t extra_in_size, MHD_socket sock,
                       struct MHD_UpgradeResponseHandle *urh) {
    hs_state *h = cls;
    ws_adopt *a = malloc(sizeof *a);
    if (a) {
        *a = h->a;
        a->fd = sock;
        a->urh = urh;
        a->extra = extra_in_size ? malloc(extra_in_size) : NULL;
        a->extra_len = a->extra ? extra_in_size : 0;
        if (a->extra) memcpy(a->extra, extra_in, extra_in_size);
    }
    release(h);
    if (a) ws_loop_adopt(a);
    else MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
}

/* nng thread: svc-space answered (or the call failed); let MHD call us again. */
static void on_role(void *arg, int status, json_t *body) {
    hs_state *h = arg;
    const char *role = json_str_or_null(json_object_get(body, "role"));
    if (status == 200 && role) {
        snprintf(h->a.role, sizeof h->a.role, "%s", role);
        gw_member_remember(h->a.space_id, h->a.uid, role);
    }
    h->role_status = status == 200 && !role ? 502 : status;
    json_decref(body);
    struct MHD_Connection *conn = h->conn;
    atomic_fetch_sub(&checking, 1);
    MHD_resume_connection(conn);
}

/* Second visit, after the membership answer: 101, or the rejection. */
static enum MHD_Result answer(struct MHD_Connection *conn, hs_state *h) {
    h->phase = ANSWERED;
    if (h->role_status == 404) return gw_respond_error(conn, 403, "无权限访问该空间");
    if (h->role_status != 200) return gw_respond_error(conn, 503, "服务暂不可用");
    if (ws_loop_count() >= ws_cfg.max_connections)
        return gw_respond_error(conn, 503, "连接数已满，请稍后重试");
    struct MHD_Response *resp = MHD_create_response_for_upgrade(on_upgrade, h);
    if (!resp) return gw_respond_error(conn, 503, "服务暂不可用");
    atomic_fetch_add(&h->refs, 1);                      /* the upgrade callback's */
    MHD_add_response_header(resp, "Upgrade", "websocket");
    MHD_add_response_header(resp, "Sec-WebSocket-Accept", h->accept);
    enum MHD_Result r = MHD_queue_response(conn, MHD_HTTP_SWITCHING_PROTOCOLS, resp);
    MHD_destroy_response(resp);
    if (r != MHD_YES) release(h);                       /* no upgrade will happen */
    return r;
}

/* Asks svc-space for the caller's role in the space without blocking this thread. */
static enum MHD_Result check_membership(struct MHD_Connection *conn, hs_state *h) {
    json_t *args = json_pack("{s:I,s:s}", "space_id", (json_int_t)h->a.space_id,
                             "user_id", h->a.uid);
    rpc_meta meta = {.rid = h->a.rid, .uid = h->a.uid};
    h->phase = CHECKING;
    h->conn = conn;
    atomic_fetch_add(&checking, 1);
    MHD_suspend_connection(conn);
    if (!args || rpc_call_async(gw_client(SVC_SPACE), 0, "space.role", &meta, args,
                                gw_rpc_timeout_ms(), on_role, h) != 0) {
        h->role_status = 503;
        atomic_fetch_sub(&checking, 1);
        MHD_resume_connection(conn);
    }
    json_decref(args);
    return MHD_YES;
}

void ws_handshake_drain(int timeout_ms) {
    for (int waited = 0; atomic_load(&checking) > 0 && waited < timeout_ms; waited += 10)
        usleep(10000);
}

static int has_token(const char *list, const char *token) {
    /* comma-separated header value containing token (case-insensitive) */
    size_t n = strlen(token);
    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == ',') p++;
        size_t len = strcspn(p, ",");
        size_t t = len;
        while (t && p[t - 1] == ' ') t--;
        if (t == n && !strncasecmp(p, token, n)) return 1;
        p += len;
    }
    return 0;
}

static const char *hdr(struct MHD_Connection *c, const char *name) {
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static enum MHD_Result on_request(struct MHD_Connection *conn, const gw_req_info *info,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **state) {
    hs_state *h = *state;
    *upload_data_size = 0;
    if (h && h->phase == CHECKING) return answer(conn, h);    /* resumed */
    if (h) return MHD_YES;                                       /* already answered */
    int64_t sid = ws_path_space(info->url);
    if (sid < 0) return gw_respond_error(conn, 404, "Not Found");
    const char *key = hdr(conn, "Sec-WebSocket-Key"), *ver = hdr(conn, "Sec-WebSocket-Version");
    char accept[40];
    if (!has_token(hdr(conn, "Upgrade"), "websocket") || !has_token(hdr(conn, "Connection"), "upgrade") ||
        !ver || strcmp(ver, "13") || ws_accept_key(key, accept, sizeof accept))
        return gw_respond_error(conn, 400, "需要WebSocket握手请求");
    char *uid = NULL;
    const char *detail = NULL;
    int st = ws_identity(conn, &uid, &detail);
    if (st != 200) return gw_respond_error(conn, st, detail);
    int64_t last_id = -1;
    const char *lid = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "last_id");
    json_t *q = lid && *lid ? json_pack("{s:s}", "v", lid) : NULL;
    int lr = q ? arg_int(q, "v", &last_id) : 0;
    json_decref(q);
    if (lr < 0 || (lr == 1 && last_id < 0) || strlen(uid) >= sizeof ((ws_adopt *)0)->uid) {
        free(uid);
        return gw_respond_error(conn, 400, "参数无效");
    }
    if (ws_loop_count() >= ws_cfg.max_connections) {
        free(uid);
        return gw_respond_error(conn, 503, "连接数已满，请稍后重试");
    }
    if (!(h = calloc(1, sizeof *h))) {
        free(uid);
        return gw_respond_error(conn, 503, "服务暂不可用");
    }
    atomic_store(&h->refs, 1);                                   /* the cleanup's */
    memcpy(h->accept, accept, sizeof h->accept);
    h->a.space_id = sid;
    h->a.last_id = lr == 1 ? last_id : -1;
    snprintf(h->a.uid, sizeof h->a.uid, "%s", uid);
    snprintf(h->a.rid, sizeof h->a.rid, "%s", info->rid ? info->rid : "ws");
    free(uid);
    *state = h;
    if (gw_member_cached(sid, h->a.uid, h->a.role)) {          /* no svc-space round trip */
        h->role_status = 200;
        return answer(conn, h);
    }
    return check_membership(conn, h);
}

static void on_cleanup(void *state) { release(state); }

void ws_handshake_register(void) {
    gw_register_special("GET", "/ws/", 0, on_request, on_cleanup);
}
