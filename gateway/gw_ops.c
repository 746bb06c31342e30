/* Endpoints the gateway answers itself: /, /healthz, /readyz, /metrics, login. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gw_request.h"
#include "../common/args.h"
#include "../common/config.h"
#include "../common/log.h"

static enum MHD_Result send_json(gw_request *r, int status, json_t *body) {
    return gw_request_respond(r, status, body);
}

static json_t *login_reply(const char *openid) {
    char *token = gw_token_issue(openid, gw_token_ttl_seconds());
    if (!token) return NULL;
    json_t *b = json_pack("{s:s,s:s,s:s,s:I}", "openid", openid, "access_token", token,
                          "token_type", "Bearer", "expires_in", (json_int_t)gw_token_ttl_seconds());
    free(token);
    return b;
}

typedef struct { gw_request *r; char code[160]; } wechat_job;

static void *wechat_thread(void *arg) {
    wechat_job *job = arg;
    char *openid = NULL, *detail = NULL;
    int st = gw_wechat_exchange(job->code, &openid, &detail);
    json_t *body = st == 200 ? login_reply(openid) : json_pack("{s:s}", "detail", detail ? detail : "微信登录失败");
    if (!body) { st = 500; body = json_pack("{s:s}", "detail", "登录失败"); }
    gw_request_finish(job->r, st, body);
    free(openid);
    free(detail);
    free(job);
    return NULL;
}

static enum MHD_Result login(gw_request *r) {
    if (!gw_rate_allow("login-ip", r->ip, cfg_int("RATE_LOGIN_PER_MIN", 10)))
        return send_json(r, 429, json_pack("{s:s}", "detail", "请求过于频繁，请稍后再试"));
    if (r->body_too_large) return send_json(r, 413, json_pack("{s:s}", "detail", "请求体过大"));
    json_t *body = r->body_len ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    const char *code = NULL;
    int ok = json_is_object(body) && arg_str(body, "code", &code) == 1 && *code && strlen(code) < 128;
    char code_copy[160];
    if (ok) snprintf(code_copy, sizeof code_copy, "%s", code);
    json_decref(body);
    if (!ok) return send_json(r, 400, json_pack("{s:s}", "detail", "缺少登录code"));
    if (gw_wechat_configured()) {
        wechat_job *job = malloc(sizeof *job);
        if (!job) return send_json(r, 500, json_pack("{s:s}", "detail", "登录失败"));
        job->r = r;
        snprintf(job->code, sizeof job->code, "%s", code_copy);
        gw_request_suspend(r);
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, wechat_thread, job)) {
            free(job);
            gw_request_finish(r, 503, json_pack("{s:s}", "detail", "服务繁忙"));
        }
        pthread_attr_destroy(&attr);
        return MHD_YES;
    }
    if (!gw_login_dev_enabled())
        return send_json(r, 500, json_pack("{s:s}", "detail", "服务端未配置微信登录"));
    if (strspn(code_copy, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(code_copy))
        return send_json(r, 400, json_pack("{s:s}", "detail", "登录code格式无效"));
    char openid[200];
    snprintf(openid, sizeof openid, "dev_%s", code_copy);
    json_t *reply = login_reply(openid);
    return reply ? send_json(r, 200, reply) : send_json(r, 500, json_pack("{s:s}", "detail", "登录失败"));
}

static enum MHD_Result readyz(gw_request *r) {
    json_t *down = json_array();
    for (int s = 0; s < SVC_COUNT; s++) {
        if (!gw_backend_enabled((gw_service)s)) continue;
        rpc_client *c = gw_client((gw_service)s);
        for (int shard = 0; shard < rpc_client_shards(c); shard++) {
            json_t *reply = NULL;
            rpc_meta meta = {.rid = r->rid};
            if (rpc_call(c, shard, "health", &meta, NULL, 1000, &reply) != 200) {
                char name[48];
                snprintf(name, sizeof name, "%s/%d", gw_service_name((gw_service)s), shard);
                json_array_append_new(down, json_string(name));
            }
            json_decref(reply);
        }
    }
    if (json_array_size(down))
        return send_json(r, 503, json_pack("{s:b,s:o,s:s}", "ready", 0, "down", down, "detail", "服务未就绪"));
    json_decref(down);
    return send_json(r, 200, json_pack("{s:b}", "ready", 1));
}

static enum MHD_Result metrics(gw_request *r) {
    char *text = gw_metrics_render();
    if (!text) return send_json(r, 500, json_pack("{s:s}", "detail", "metrics"));
    json_t *raw = json_pack("{s:s%,s:s}", "__raw", text, strlen(text), "__ctype",
                            "text/plain; version=0.0.4; charset=utf-8");
    free(text);
    return send_json(r, 200, raw);
}

enum MHD_Result gw_ops_dispatch(gw_request *r, int *handled) {
    *handled = 1;
    int get = !strcmp(r->method, "GET");
    if (get && !strcmp(r->url, "/"))
        return send_json(r, 200, json_pack("{s:s}", "message", "欢迎使用虫洞私密共享空间"));
    if (get && !strcmp(r->url, "/healthz"))
        return send_json(r, 200, json_pack("{s:b,s:I}", "ok", 1, "ts", (json_int_t)time(NULL)));
    if (get && !strcmp(r->url, "/readyz")) return readyz(r);
    if (get && !strcmp(r->url, "/metrics")) return metrics(r);
    if (!strcmp(r->method, "POST") && !strcmp(r->url, "/api/auth/login")) return login(r);
    if (!strcmp(r->url, "/api/auth/login") || (!get && (!strcmp(r->url, "/healthz") || !strcmp(r->url, "/readyz"))))
        return send_json(r, 405, json_pack("{s:s}", "detail", "Method Not Allowed"));
    *handled = 0;
    return MHD_YES;
}
