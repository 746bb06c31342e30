/* Per-space display profile of a user: alias, avatar, theme (GET/POST /api/user/alias). */
#include <string.h>
#include "space.h"
#include "../common/args.h"
#include "../common/timeutil.h"

#define ALIAS_MAX_CHARS 32
#define AVATAR_MAX_CHARS 1024

static int alias_reply(svc_call *c, json_t **out, int64_t space_id) {
    sqlite3_stmt *s = db_stmt(c->db,
        "SELECT space_id, user_id, alias, avatar_url, theme_preference FROM user_aliases"
        " WHERE space_id = ?1 AND user_id = ?2");
    if (!s) return space_db_fail(c, out, "alias");
    db_bind_int(s, 1, space_id);
    db_bind_text(s, 2, c->meta.uid);
    int rc = sqlite3_step(s);
    json_t *body = rc == SQLITE_ROW ? db_row_object(s) : json_null();  /* no row: bare null */
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        json_decref(body);
        return space_db_fail(c, out, "alias");
    }
    return rpc_ok(out, body);
}

int space_user_alias(svc_call *c, json_t **out) {
    int64_t space_id;
    int role, st = space_require_member(c, out, &space_id, &role);
    if (st) return st;
    return alias_reply(c, out, space_id);
}

static int theme_valid(const char *t) {
    return !strcmp(t, "system") || !strcmp(t, "dark") || !strcmp(t, "light");
}

int space_user_set_alias(svc_call *c, json_t **out) {
    int64_t space_id;
    int role, st = space_require_member(c, out, &space_id, &role);
    if (st) return st;
    const char *alias = NULL, *avatar = NULL, *theme = NULL;
    int r = arg_str(c->args, "alias", &alias);
    if (r != 1) return rpc_fail(out, 400, "缺少昵称");
    long n = utf8_len(alias);
    if (n < 0 || n > ALIAS_MAX_CHARS) return rpc_fail(out, 400, "昵称过长（最多32字）");
    /* null or absent keeps the stored value; "" clears it (as the client expects) */
    if (arg_str(c->args, "avatar_url", &avatar) < 0) return rpc_fail(out, 400, "头像地址格式错误");
    if (avatar) {
        n = utf8_len(avatar);
        if (n < 0 || n > AVATAR_MAX_CHARS) return rpc_fail(out, 400, "头像地址过长");
    }
    if (arg_str(c->args, "theme_preference", &theme) < 0 || (theme && !theme_valid(theme)))
        return rpc_fail(out, 400, "主题只能是 system、dark 或 light");

    sqlite3_stmt *s = db_stmt(c->db,
        "INSERT INTO user_aliases(space_id, user_id, alias, avatar_url, theme_preference, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT(space_id, user_id) DO UPDATE SET alias = excluded.alias,"
        "   avatar_url = COALESCE(excluded.avatar_url, avatar_url),"
        "   theme_preference = COALESCE(excluded.theme_preference, theme_preference),"
        "   updated_at = excluded.updated_at");
    if (!s) return space_db_fail(c, out, "set alias");
    db_bind_int(s, 1, space_id);
    db_bind_text(s, 2, c->meta.uid);
    db_bind_text(s, 3, alias);
    db_bind_text(s, 4, avatar);
    db_bind_text(s, 5, theme);
    db_bind_int(s, 6, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return space_db_fail(c, out, "set alias");
    return alias_reply(c, out, space_id);
}
