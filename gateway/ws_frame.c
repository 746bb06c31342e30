/* Client frame classification and the small server frames (pure functions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "ws.h"
#include "../common/args.h"

static ws_in_kind invalid(const char **detail, const char *why) {
    *detail = why;
    return WS_IN_INVALID;
}

ws_in_kind ws_frame_parse(const char *data, size_t len, json_t **obj, const char **detail) {
    *obj = NULL;
    json_t *v = json_loadb(data, len, 0, NULL);
    if (!v) return invalid(detail, "消息不是有效的JSON");
    if (!json_is_object(v)) {
        json_decref(v);
        return invalid(detail, "消息必须是JSON对象");
    }
    *obj = v;
    const json_t *ev = json_object_get(v, "event");
    if (!ev || json_is_null(ev) || (json_is_string(ev) && !*json_string_value(ev)))
        return WS_IN_MESSAGE;              /* no event: a chat message */
    if (!json_is_string(ev)) return invalid(detail, "event字段无效");
    const char *e = json_string_value(ev);
    int64_t n;
    int b;
    if (!strcmp(e, "ping")) return WS_IN_PING;
    if (!strcmp(e, "presence")) return WS_IN_PRESENCE;
    if (!strcmp(e, "typing"))
        return arg_bool(v, "typing", &b) == 1 ? WS_IN_TYPING : invalid(detail, "typing字段无效");
    if (!strcmp(e, "read"))
        return arg_int(v, "last_read_message_id", &n) == 1 && n > 0
                   ? WS_IN_READ : invalid(detail, "last_read_message_id字段无效");
    if (!strcmp(e, "resume"))
        return arg_int(v, "last_id", &n) == 1 && n >= 0 ? WS_IN_RESUME
                                                         : invalid(detail, "last_id字段无效");
    return invalid(detail, "不支持的事件");
}

char *ws_error_text(const char *detail, const json_t *obj) {
    const json_t *cid = json_object_get(obj, "client_id");
    json_t *f = json_pack("{s:s,s:s,s:O}", "event", "error", "detail", detail, "client_id",
                          json_is_string(cid) ? (json_t *)cid : json_null());
    char *s = f ? json_dumps(f, JSON_COMPACT) : NULL;
    json_decref(f);
    return s;
}

char *ws_event_ts_text(const char *event, int64_t ts) {
    char *s = NULL;
    if (asprintf(&s, "{\"event\":\"%s\",\"ts\":%lld}", event, (long long)ts) < 0) return NULL;
    return s;
}

int ws_accept_key(const char *key, char *out, size_t n) {
    static const char GUID[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    size_t klen = key ? strlen(key) : 0;
    if (klen < 16 || klen > 64 || n < 29) return -1;
    char buf[128];
    memcpy(buf, key, klen);
    memcpy(buf + klen, GUID, sizeof GUID - 1);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (!EVP_Digest(buf, klen + sizeof GUID - 1, digest, &dlen, EVP_sha1(), NULL) || dlen != 20)
        return -1;
    EVP_EncodeBlock((unsigned char *)out, digest, (int)dlen);
    return 0;
}

int64_t ws_path_space(const char *url) {
    static const char PREFIX[] = "/ws/chat/";
    if (!url || strncmp(url, PREFIX, sizeof PREFIX - 1)) return -1;
    const char *p = url + sizeof PREFIX - 1;
    size_t digits = strspn(p, "0123456789");
    if (digits == 0 || digits > 18 || (p[digits] && strcmp(p + digits, "/"))) return -1;
    int64_t id = strtoll(p, NULL, 10);
    return id > 0 ? id : -1;
}
