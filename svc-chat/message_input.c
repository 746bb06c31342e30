/* Validation of a chat message as the mini-program sends it (HTTP body or WebSocket
 * frame): type, content, media, live cover/video, duration, reply preview, client_id. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "chat.h"
#include "../common/args.h"

static const char *const TYPES[] = {"text", "image", "video", "audio", "live", "system", NULL};

/* Copy of s without leading/trailing ASCII whitespace and U+3000 (ideographic space). */
static char *trim_copy(const char *s) {
    const char *b = s, *e = s + strlen(s);
    for (;;) {
        if (b < e && strchr(" \t\r\n\v\f", *b)) b++;
        else if (e - b >= 3 && !memcmp(b, "\xE3\x80\x80", 3)) b += 3;
        else break;
    }
    for (;;) {
        if (e > b && strchr(" \t\r\n\v\f", e[-1])) e--;
        else if (e - b >= 3 && !memcmp(e - 3, "\xE3\x80\x80", 3)) e -= 3;
        else break;
    }
    return strndup(b, (size_t)(e - b));
}

/* Copy of at most max code points of valid UTF-8 s. */
static char *utf8_prefix(const char *s, long max) {
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;
    while (*p && n < max) {
        int len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : 4;
        p += len;
        n++;
    }
    return strndup(s, (size_t)((const char *)p - s));
}

/* A media address we can show: http(s) URL or a path on our own host, bounded, no
 * control characters or spaces. */
static int url_ok(const char *u) {
    size_t n = strlen(u);
    if (n == 0 || n > CHAT_URL_MAX) return 0;
    if (strncasecmp(u, "https://", 8) && strncasecmp(u, "http://", 7) && u[0] != '/') return 0;
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        if (*p <= 0x20 || *p == 0x7f) return 0;
    return 1;
}

/* Optional URL argument, trimmed: 1 present+valid (*out malloc'd), 0 absent/empty, -1 bad. */
static int url_arg(const json_t *args, const char *key, char **out) {
    const char *v = NULL;
    int r = arg_str(args, key, &v);
    if (r < 0) return -1;
    if (r == 0) return 0;
    char *t = trim_copy(v);
    if (!t) return -1;
    if (!*t) { free(t); return 0; }
    if (!url_ok(t)) { free(t); return -1; }
    *out = t;
    return 1;
}

static int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !memcmp(s + a - b, suffix, b);
}

static int fail(const char **err, const char *msg) { *err = msg; return 400; }

static int parse_type(const json_t *args, chat_msg_in *m, const char **err) {
    const char *t = NULL;
    int r = arg_str(args, "message_type", &t);
    if (r < 0) return fail(err, "不支持的消息类型");
    if (r == 0 || !*t) t = "text";
    if (strlen(t) >= sizeof m->type) return fail(err, "不支持的消息类型");
    for (int i = 0; TYPES[i]; i++)
        if (!strcasecmp(t, TYPES[i])) { strcpy(m->type, TYPES[i]); return 0; }
    return fail(err, "不支持的消息类型");
}

static int parse_content(const json_t *args, chat_msg_in *m, const char **err) {
    const char *content = "";
    if (arg_str(args, "content", &content) < 0) return fail(err, "消息内容格式错误");
    long len = utf8_len(content);
    if (len < 0) return fail(err, "消息内容格式错误");
    if (len > CHAT_CONTENT_MAX) return fail(err, "消息内容过长（最多5000字）");
    int textual = !strcmp(m->type, "text") || !strcmp(m->type, "system");
    m->content = textual ? trim_copy(content) : strdup(content);
    if (!m->content) return fail(err, "消息内容格式错误");
    if (textual && !*m->content) return fail(err, "消息内容不能为空");
    /* The client's "想你" button is the only system message: "<name>在想你", short. */
    if (!strcmp(m->type, "system") &&
        (!ends_with(m->content, "在想你") || utf8_len(m->content) > CHAT_SYSTEM_MAX))
        return fail(err, "不支持的系统消息");
    return 0;
}

static int parse_media(const json_t *args, chat_msg_in *m, const char **err) {
    if (!strcmp(m->type, "live")) {
        char *cover = NULL, *video = NULL;
        int a = url_arg(args, "live_cover_url", &cover), b = url_arg(args, "live_video_url", &video);
        if (a <= 0 || b <= 0) {
            free(cover);
            free(video);
            return fail(err, a < 0 || b < 0 ? "媒体地址无效" : "Live消息缺少封面或视频");
        }
        json_t *o = json_pack("{s:s,s:s}", "cover_url", cover, "video_url", video);
        free(cover);
        free(video);
        m->media_url = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        return m->media_url ? 0 : fail(err, "媒体地址无效");
    }
    int r = url_arg(args, "media_url", &m->media_url);
    if (r < 0) return fail(err, "媒体地址无效");
    int media = !strcmp(m->type, "image") || !strcmp(m->type, "video") || !strcmp(m->type, "audio");
    if (media && r == 0) return fail(err, "媒体消息缺少资源地址");
    if (!media) { free(m->media_url); m->media_url = NULL; }   /* text keeps no media */
    return 0;
}

/* Integer milliseconds or null; anything else (fraction, negative, text) becomes null. */
static void parse_duration(const json_t *args, chat_msg_in *m) {
    const json_t *v = json_object_get(args, "media_duration");
    if (json_is_integer(v) && json_integer_value(v) >= 0 &&
        json_integer_value(v) <= 24LL * 3600 * 1000) {
        m->has_duration = 1;
        m->duration_ms = json_integer_value(v);
    } else if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) <= 86400000.0 &&
               json_real_value(v) == (double)(int64_t)json_real_value(v)) {
        m->has_duration = 1;
        m->duration_ms = (int64_t)json_real_value(v);
    }
}

static int parse_reply(const json_t *args, chat_msg_in *m, const char **err) {
    int64_t rid;
    int r = arg_int(args, "reply_to_id", &rid);
    if (r <= 0 || rid <= 0) return 0;          /* no (usable) reply: plain message */
    m->has_reply = 1;
    m->reply_to_id = rid;
    const char *preview = NULL;
    if (arg_str(args, "reply_to_content", &preview) == 1 && utf8_len(preview) >= 0) {
        m->reply_to_content = utf8_prefix(preview, CHAT_REPLY_PREVIEW_MAX);
        if (!m->reply_to_content) return fail(err, "消息内容格式错误");
    }
    return 0;
}

static int parse_client_id(const json_t *args, chat_msg_in *m, const char **err) {
    const json_t *v = json_object_get(args, "client_id");
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v)) return fail(err, "client_id格式错误");
    const char *s = json_string_value(v);
    if (!*s) return 0;
    if (strlen(s) > CHAT_CLIENT_ID_MAX) return fail(err, "client_id格式错误");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f) return fail(err, "client_id格式错误");
    m->client_id = s;
    return 0;
}

int chat_msg_parse(const json_t *args, chat_msg_in *m, const char **err) {
    memset(m, 0, sizeof *m);
    int st;
    if ((st = parse_type(args, m, err)) || (st = parse_content(args, m, err)) ||
        (st = parse_media(args, m, err)) || (st = parse_reply(args, m, err)) ||
        (st = parse_client_id(args, m, err)))
        return st;
    parse_duration(args, m);
    return 0;
}

void chat_msg_free(chat_msg_in *m) {
    free(m->content);
    free(m->media_url);
    free(m->reply_to_content);
    memset(m, 0, sizeof *m);
}
