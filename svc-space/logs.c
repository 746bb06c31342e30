/* GET /api/settings/system and POST /api/logs/track (client page views, bounded table). */
#include <stdlib.h>
#include <string.h>
#include "space.h"
#include "../common/args.h"
#include "../common/config.h"
#include "../common/timeutil.h"

#define ACTION_MAX_CHARS 64
#define PAGE_MAX_CHARS 256
#define DETAIL_MAX_BYTES 2000
#define TRIM_EVERY 1000        /* rows between trims of the log table */

int space_settings_system(svc_call *c, json_t **out) {
    sqlite3_stmt *s = db_stmt(c->db, "SELECT value FROM system_settings WHERE key = 'review_mode'");
    if (!s) return space_db_fail(c, out, "settings");
    int rc = sqlite3_step(s);
    int review = rc == SQLITE_ROW && db_col_text(s, 0) && !strcmp(db_col_text(s, 0), "1");
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return space_db_fail(c, out, "settings");
    return rpc_ok(out, json_pack("{s:b}", "review_mode", review));
}

/* Cut s to at most max bytes without splitting a UTF-8 sequence. */
static size_t utf8_prefix(const char *s, size_t max) {
    size_t n = strlen(s);
    if (n <= max) return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    return max;
}

static int trim_logs(db_conn *db, int64_t newest_id) {
    long keep = cfg_int("LOG_TRACK_MAX_ROWS", 100000);
    if (keep < 1) keep = 1;
    sqlite3_stmt *s = db_stmt(db, "DELETE FROM operation_logs WHERE id <= ?1");
    if (!s) return -1;
    db_bind_int(s, 1, newest_id - keep);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int space_logs_track(svc_call *c, json_t **out) {
    const char *action = NULL, *page = NULL;
    if (!c->meta.uid || arg_str(c->args, "action", &action) != 1 || !*action)
        return rpc_fail(out, 400, "缺少用户或动作");
    long n = utf8_len(action);
    if (n < 0 || n > ACTION_MAX_CHARS) return rpc_fail(out, 400, "动作名称过长");
    if (arg_str(c->args, "page", &page) < 0) return rpc_fail(out, 400, "页面参数格式错误");
    if (page && ((n = utf8_len(page)) < 0 || n > PAGE_MAX_CHARS))
        return rpc_fail(out, 400, "页面参数过长");
    /* detail: the client sends a JSON string of page options; anything else is serialised */
    const json_t *dv = json_object_get(c->args, "detail");
    char *detail = json_is_string(dv) ? strdup(json_string_value(dv))
                 : (dv && !json_is_null(dv)) ? json_dumps(dv, JSON_COMPACT) : NULL;
    if (detail) {
        if (utf8_len(detail) < 0) { free(detail); return rpc_fail(out, 400, "详情格式错误"); }
        detail[utf8_prefix(detail, DETAIL_MAX_BYTES)] = 0;
    }
    int64_t space_id = 0;
    int r = arg_int(c->args, "space_id", &space_id);
    if (r < 0) { free(detail); return rpc_fail(out, 400, "空间ID无效"); }
    if (r == 1) {
        int role = space_role_of(c->db, space_id, c->meta.uid);
        if (role < 0) { free(detail); return space_db_fail(c, out, "track role"); }
        if (role == SPACE_ROLE_NONE) { free(detail); return rpc_fail(out, 404, "空间不存在"); }
    }
    sqlite3_stmt *s = db_stmt(c->db,
        "INSERT INTO operation_logs(user_id, action, page, detail, space_id, ip, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!s) { free(detail); return space_db_fail(c, out, "track"); }
    db_bind_text(s, 1, c->meta.uid);
    db_bind_text(s, 2, action);
    db_bind_text(s, 3, page);
    db_bind_text(s, 4, detail);
    if (r == 1) db_bind_int(s, 5, space_id); else sqlite3_bind_null(s, 5);
    db_bind_text(s, 6, c->meta.ip);
    db_bind_int(s, 7, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    free(detail);
    if (rc != SQLITE_DONE) return space_db_fail(c, out, "track");
    int64_t id = db_last_id(c->db);
    if (id % TRIM_EVERY == 0 && trim_logs(c->db, id)) return space_db_fail(c, out, "track trim");
    return rpc_ok(out, json_pack("{s:b}", "success", 1));
}
