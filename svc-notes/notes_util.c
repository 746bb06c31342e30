/* Helpers shared by the notebook and feed handlers. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "notes.h"
#include "../common/args.h"
#include "../common/log.h"
#include "../common/spaceclient.h"
#include "../common/timeutil.h"

#define MAX_URL_CHARS 1024
#define MAX_IMAGES 9

int notes_db_fail(svc_call *c, json_t **out, const char *what) {
    LOG_ERROR(c->meta.rid, "%s: %s", what, sqlite3_errmsg(db_handle(c->db)));
    db_rollback(c->db);
    return rpc_fail(out, 500, "服务器内部错误");
}

void notes_set_time(json_t *obj, const char *key, int64_t ms, int with_ts) {
    char iso[32];
    iso_utc(ms, iso, sizeof iso);
    json_object_set_new(obj, key, json_string(iso));
    if (with_ts) {
        char tskey[64];
        snprintf(tskey, sizeof tskey, "%s_ts", key);
        json_object_set_new(obj, tskey, json_integer(ms));
    }
}

void notes_apply_profiles(svc_call *c, int64_t space_id, json_t *items) {
    static const char *const keys[] = {"user_id"};
    json_t *profiles = space_profiles_of(c, space_id, items, keys, 1);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) profile_apply(it, profiles, "user_id", "");
    json_decref(profiles);
}

int notes_role(svc_call *c, int64_t space_id, char role[8]) {
    return space_role_for(c, space_id, role);
}

char *notes_trim(const char *s, long *chars) {
    while (*s && isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    char *t = strndup(s, n);
    if (!t) return NULL;
    long len = utf8_len(t);
    if (len < 0) { free(t); return NULL; }
    *chars = len;
    return t;
}

json_t *notes_media_array(const char *text) {
    json_t *a = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_array(a)) { json_decref(a); a = json_array(); }
    return a;
}

static int url_ok(const json_t *v) {
    if (!json_is_string(v)) return 0;
    long n = utf8_len(json_string_value(v));
    return n > 0 && n <= MAX_URL_CHARS;
}

const char *notes_validate_media(const char *media_type, const json_t *given, json_t **urls) {
    *urls = json_array();
    if (given && !json_is_null(given) && !json_is_array(given)) return "媒体列表格式无效";
    size_t i;
    json_t *v;
    if (!strcmp(media_type, "none")) return NULL;
    if (!strcmp(media_type, "image")) {
        json_array_foreach(given, i, v) {
            if (!url_ok(v)) return "媒体地址无效";
            json_array_append(*urls, v);
        }
        if (json_array_size(*urls) > MAX_IMAGES) return "最多只能上传9张图片";
        return NULL;
    }
    if (!strcmp(media_type, "video")) {
        json_array_foreach(given, i, v) {
            if (!json_is_string(v)) continue;
            if (!url_ok(v)) return "媒体地址无效";
            json_array_append(*urls, v);
            break;
        }
        return NULL;
    }
    /* live: the first object carrying both halves */
    json_array_foreach(given, i, v) {
        const json_t *cover = json_object_get(v, "cover_url"), *video = json_object_get(v, "video_url");
        if (!url_ok(cover) || !url_ok(video)) continue;
        json_array_append_new(*urls, json_pack("{s:O,s:O}", "cover_url", cover, "video_url", video));
        return NULL;
    }
    return "Live动态缺少封面或视频";
}
