/* WeChat code exchange (jscode2session) with libcurl, and the dev-login switch. */
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "gw_internal.h"
#include "../common/config.h"
#include "../common/log.h"

#define WECHAT_REPLY_MAX 65536

int gw_login_dev_enabled(void) { return cfg_bool("WORMHOLE_DEV_LOGIN", 0); }

int gw_wechat_configured(void) {
    return cfg_str("WECHAT_APP_ID", NULL) && cfg_str("WECHAT_APP_SECRET", NULL);
}

typedef struct { char *data; size_t len; } buffer;

static size_t collect(char *ptr, size_t size, size_t nmemb, void *arg) {
    buffer *b = arg;
    size_t n = size * nmemb;
    if (b->len + n > WECHAT_REPLY_MAX) return 0;        /* abort oversized replies */
    char *grown = realloc(b->data, b->len + n + 1);
    if (!grown) return 0;
    memcpy(grown + b->len, ptr, n);
    b->data = grown;
    b->len += n;
    b->data[b->len] = 0;
    return n;
}

static char *fmt_detail(const char *prefix, const char *what) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s%s", prefix, what);
    return strdup(buf);
}

int gw_wechat_exchange(const char *code, char **openid, char **detail) {
    *openid = *detail = NULL;
    CURL *curl = curl_easy_init();
    if (!curl) { *detail = strdup("微信登录服务不可用"); return 502; }
    char *ecode = curl_easy_escape(curl, code, 0);
    char *eid = curl_easy_escape(curl, cfg_str("WECHAT_APP_ID", ""), 0);
    char *esecret = curl_easy_escape(curl, cfg_str("WECHAT_APP_SECRET", ""), 0);
    char url[2048];
    snprintf(url, sizeof url,
             "%s/sns/jscode2session?appid=%s&secret=%s&js_code=%s&grant_type=authorization_code",
             cfg_str("WECHAT_API_BASE", "https://api.weixin.qq.com"), eid ? eid : "",
             esecret ? esecret : "", ecode ? ecode : "");
    curl_free(ecode);
    curl_free(eid);
    curl_free(esecret);
    buffer b = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, cfg_int("WECHAT_TIMEOUT_MS", 8000));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(curl);
    long http = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK || http != 200 || !b.data) {
        LOG_WARN(NULL, "wechat jscode2session failed: curl %d http %ld", (int)rc, http);
        free(b.data);
        *detail = strdup("微信登录服务不可用");
        return 502;
    }
    json_t *reply = json_loads(b.data, 0, NULL);
    free(b.data);
    const json_t *oid = json_object_get(reply, "openid");
    int status;
    if (json_is_string(oid) && *json_string_value(oid)) {
        *openid = strdup(json_string_value(oid));
        status = *openid ? 200 : 500;
    } else {
        const json_t *err = json_object_get(reply, "errcode");
        char code_s[32];
        if (json_is_integer(err)) snprintf(code_s, sizeof code_s, "%lld", (long long)json_integer_value(err));
        else snprintf(code_s, sizeof code_s, "unknown");
        *detail = fmt_detail("微信登录失败: ", code_s);
        status = 401;
    }
    json_decref(reply);
    return status;
}
