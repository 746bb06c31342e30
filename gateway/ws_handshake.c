/* GET /ws/chat/{space_id}: checks the upgrade request, the caller's token and membership,
 * then answers 101 and hands the socket to the loop. Rejections are plain HTTP answers
 * (401 no/invalid token, 403 not a member or no such space — one answer for both), which
 * the mini-program treats as a failed connect and retries. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ws.h"
#include "gw.h"
#include "../common/args.h"

/* Shared by the upgrade callback and the request cleanup; whichever runs last frees it. */
typedef struct hs_state {
    atomic_int refs;
    ws_adopt a;
} hs_state;

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
    if (*state) { *upload_data_size = 0; return MHD_YES; }   /* already answered */
    int64_t sid = ws_path_space(info->url);
    if (sid < 0) return gw_respond_error(conn, 404, "Not Found");
    const char *key = hdr(conn, "Sec-WebSocket-Key"), *ver = hdr(conn, "Sec-WebSocket-Version");
    char accept[64];
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
    if (lr == 0) last_id = -1;
    if (ws_loop_count() >= ws_cfg.max_connections) {
        free(uid);
        return gw_respond_error(conn, 503, "连接数已满，请稍后重试");
    }
    char role[8] = "";
    st = gw_member_role(sid, uid, info->rid, role);
    if (st != 200) {
        free(uid);
        return st == 404 ? gw_respond_error(conn, 403, "无权限访问该空间")
                         : gw_respond_error(conn, 503, "服务暂不可用");
    }
    hs_state *h = calloc(1, sizeof *h);
    struct MHD_Response *resp = h ? MHD_create_response_for_upgrade(on_upgrade, h) : NULL;
    if (!resp) {
        free(uid);
        free(h);
        return gw_respond_error(conn, 503, "服务暂不可用");
    }
    atomic_store(&h->refs, 2);
    h->a.space_id = sid;
    h->a.last_id = last_id;
    snprintf(h->a.uid, sizeof h->a.uid, "%s", uid);
    snprintf(h->a.role, sizeof h->a.role, "%s", role);
    snprintf(h->a.rid, sizeof h->a.rid, "%s", info->rid ? info->rid : "ws");
    free(uid);
    MHD_add_response_header(resp, "Upgrade", "websocket");
    MHD_add_response_header(resp, "Sec-WebSocket-Accept", accept);
    enum MHD_Result r = MHD_queue_response(conn, MHD_HTTP_SWITCHING_PROTOCOLS, resp);
    MHD_destroy_response(resp);
    *state = h;
    if (r != MHD_YES) release(h);          /* no upgrade will happen */
    return r;
}

static void on_cleanup(void *state) { release(state); }

void ws_handshake_register(void) {
    gw_register_special("GET", "/ws/", 0, on_request, on_cleanup);
}
