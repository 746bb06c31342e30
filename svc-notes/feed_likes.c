/* Likes: one per (post, user) by constraint, so repeats and races are harmless. */
#include "feed_post.h"
#include "../common/args.h"
#include "../common/timeutil.h"

int notes_feed_like(svc_call *c, json_t **out) {
    feed_post_ref ref;
    int st = feed_load_post(c, out, "post_id", &ref);
    if (st != 200) return st;
    int like = 1;
    if (arg_bool(c->args, "like", &like) < 0) return rpc_fail(out, 400, "参数无效");
    sqlite3_stmt *s = like
        ? db_stmt(c->db, "INSERT INTO likes(post_id, space_id, user_id, created_at) VALUES (?1, ?2, ?3, ?4)"
                         " ON CONFLICT(post_id, user_id) DO NOTHING")
        : db_stmt(c->db, "DELETE FROM likes WHERE post_id = ?1 AND ?2 = ?2 AND user_id = ?3 AND ?4 = ?4");
    if (!s) return notes_db_fail(c, out, "like");
    db_bind_int(s, 1, ref.id);
    db_bind_int(s, 2, ref.space_id);
    db_bind_text(s, 3, c->meta.uid);
    db_bind_int(s, 4, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return notes_db_fail(c, out, "like step");
    s = db_stmt(c->db, "SELECT COUNT(*) FROM likes WHERE post_id = ?1");
    if (!s) return notes_db_fail(c, out, "like count");
    db_bind_int(s, 1, ref.id);
    rc = sqlite3_step(s);
    json_int_t count = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW) return notes_db_fail(c, out, "like count step");
    return rpc_ok(out, json_pack("{s:b,s:I,s:b}", "success", 1, "like_count", count, "liked", like));
}
