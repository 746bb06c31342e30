/* Share codes: the owner makes a one-time pass phrase (8 chars, CSPRNG, short TTL); the
 * receiver redeems it once, choosing their own 6-digit code for the space. */
#include <string.h>
#include "space.h"
#include "../common/args.h"
#include "../common/config.h"
#include "../common/log.h"
#include "../common/timeutil.h"

/* One answer for unknown, used, expired and deleted-space codes: no oracle. */
#define SHARE_INVALID "分享口令无效或已过期"
#define SHARE_KEEP_EXPIRED_MS (24LL * 3600 * 1000)

static long share_ttl_seconds(void) {
    long ttl = cfg_int("SHARE_CODE_TTL_SECONDS", 300);
    return ttl > 0 ? ttl : 300;
}

int space_share(svc_call *c, json_t **out) {
    int64_t space_id;
    int st = space_require_owner(c, out, &space_id);
    if (st) return st;
    long ttl = share_ttl_seconds();
    int64_t now = now_ms();
    if (db_begin(c->db) != SQLITE_OK) return space_db_fail(c, out, "share begin");
    /* housekeeping: codes long expired carry no information worth keeping */
    sqlite3_stmt *s = db_stmt(c->db, "DELETE FROM share_codes WHERE expires_at < ?1");
    if (!s) return space_db_fail(c, out, "share purge");
    db_bind_int(s, 1, now - SHARE_KEEP_EXPIRED_MS);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return space_db_fail(c, out, "share purge");
    char code[SPACE_SHARE_CODE_LEN + 1];
    int inserted = 0;
    for (int attempt = 0; attempt < 8 && !inserted; attempt++) {   /* 36^8: a clash is rare */
        if (space_share_code_generate(code)) {
            db_rollback(c->db);
            LOG_ERROR(c->meta.rid, "CSPRNG failed");
            return rpc_fail(out, 503, "服务繁忙，请稍后重试");
        }
        s = db_stmt(c->db,
            "INSERT INTO share_codes(code, space_id, created_by, created_at, expires_at)"
            " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(code) DO NOTHING");
        if (!s) return space_db_fail(c, out, "share insert");
        db_bind_text(s, 1, code);
        db_bind_int(s, 2, space_id);
        db_bind_text(s, 3, c->meta.uid);
        db_bind_int(s, 4, now);
        db_bind_int(s, 5, now + ttl * 1000);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) return space_db_fail(c, out, "share insert");
        inserted = db_changes(c->db) == 1;
    }
    if (!inserted) {
        db_rollback(c->db);
        return rpc_fail(out, 503, "服务繁忙，请稍后重试");
    }
    if (db_commit(c->db) != SQLITE_OK) return space_db_fail(c, out, "share commit");
    LOG_INFO(c->meta.rid, "share code made for space %lld", (long long)space_id);  /* not the code */
    return rpc_ok(out, json_pack("{s:s,s:i}", "share_code", code, "expires_in", (int)ttl));
}

/* The live space a usable code points to: id, 0 = not usable, -1 = db error. */
static int64_t usable_code_space(db_conn *db, const char *code, int64_t now) {
    sqlite3_stmt *s = db_stmt(db,
        "SELECT sc.space_id FROM share_codes sc JOIN spaces sp ON sp.id = sc.space_id"
        " WHERE sc.code = ?1 AND sc.used_by IS NULL AND sc.expires_at > ?2"
        "   AND sp.deleted_at IS NULL");
    if (!s) return -1;
    db_bind_text(s, 1, code);
    db_bind_int(s, 2, now);
    int rc = sqlite3_step(s);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : rc == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(s);
    return id;
}

static int consume_code(db_conn *db, const char *code, const char *uid, int64_t now) {
    /* the conditional UPDATE is what makes the code single-use: a second redeemer in a
     * later transaction matches no row */
    sqlite3_stmt *s = db_stmt(db,
        "UPDATE share_codes SET used_by = ?2, used_at = ?3"
        " WHERE code = ?1 AND used_by IS NULL AND expires_at > ?3");
    if (!s) return -1;
    db_bind_text(s, 1, code);
    db_bind_text(s, 2, uid);
    db_bind_int(s, 3, now);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? db_changes(db) : -1;
}

static int set_mapping(db_conn *db, const char *uid, int64_t space_id, const char *code) {
    sqlite3_stmt *s = db_stmt(db,
        "INSERT INTO space_mappings(user_id, space_id, code, created_at) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT(user_id, space_id) DO UPDATE SET code = excluded.code");
    if (!s) return -1;
    db_bind_text(s, 1, uid);
    db_bind_int(s, 2, space_id);
    db_bind_text(s, 3, code);
    db_bind_int(s, 4, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int space_join_by_share(svc_call *c, json_t **out) {
    if (!c->meta.uid) return rpc_fail(out, 401, "缺少用户ID");
    const char *uid = c->meta.uid;
    const json_t *new_code_v = json_object_get(c->args, "new_code");
    if (!space_code_valid(new_code_v)) return rpc_fail(out, 400, "新空间号必须是6位数字");
    const char *new_code = json_string_value(new_code_v);
    const json_t *share_v = json_object_get(c->args, "share_code");
    if (!json_is_string(share_v) || json_string_length(share_v) != SPACE_SHARE_CODE_LEN)
        return rpc_fail(out, 400, SHARE_INVALID);
    const char *share = json_string_value(share_v);

    int64_t now = now_ms();
    if (db_begin(c->db) != SQLITE_OK) return space_db_fail(c, out, "join begin");
    int64_t space_id = usable_code_space(c->db, share, now);
    if (space_id < 0) return space_db_fail(c, out, "join lookup");
    if (space_id == 0) {
        db_rollback(c->db);
        return rpc_fail(out, 400, SHARE_INVALID);
    }
    /* refusals below leave the code unused, so the owner's pass phrase is not burnt */
    int role = space_role_of(c->db, space_id, uid);
    if (role < 0) return space_db_fail(c, out, "join role");
    if (role == SPACE_ROLE_OWNER) {
        db_rollback(c->db);
        return rpc_fail(out, 400, "你是该空间的房主，无需通过分享口令加入");
    }
    int blocked = space_is_blocked(c->db, space_id, uid);
    if (blocked < 0) return space_db_fail(c, out, "join block check");
    if (blocked) {
        db_rollback(c->db);
        return rpc_fail(out, 403, "你已被房主移出该空间");
    }
    int taken = space_code_taken(c->db, uid, new_code, space_id);
    if (taken < 0) return space_db_fail(c, out, "join code check");
    if (taken) {
        db_rollback(c->db);
        return rpc_fail(out, 400, "该空间号已被使用");
    }
    int consumed = consume_code(c->db, share, uid, now);
    if (consumed < 0) return space_db_fail(c, out, "join consume");
    if (consumed == 0) {       /* cannot happen inside BEGIN IMMEDIATE; kept as a guard */
        db_rollback(c->db);
        return rpc_fail(out, 400, SHARE_INVALID);
    }
    if (set_mapping(c->db, uid, space_id, new_code) || space_ensure_member(c->db, space_id, uid))
        return space_db_fail(c, out, "join write");
    if (db_commit(c->db) != SQLITE_OK) return space_db_fail(c, out, "join commit");
    LOG_INFO(c->meta.rid, "joined space %lld by share code", (long long)space_id);
    return rpc_ok(out, json_pack("{s:b,s:I,s:o}", "success", 1, "space_id", (json_int_t)space_id,
                                 "theme_preference", space_theme_of(c->db, space_id, uid)));
}
