/* chat.delete {message_id}: author or space owner, soft delete, message_deleted frame.
 * A missing, deleted or foreign message (caller not a member of its space) gets the same
 * 404, so ids of other spaces cannot be probed. */
#include <string.h>
#include "chat.h"
#include "../common/args.h"
#include "../common/spaceclient.h"
#include "../common/timeutil.h"

int chat_delete(svc_call *c, json_t **out) {
    int64_t id;
    int r = arg_int(c->args, "message_id", &id);
    if (r < 0) return rpc_fail(out, 400, "消息ID无效");
    if (r == 0) return rpc_fail(out, 400, "缺少消息ID");
    if (!c->meta.uid) return rpc_fail(out, 401, "缺少用户身份");
    json_t *msg = chat_msg_load(c->db, id, 0);
    if (!msg) return rpc_fail(out, 404, "消息不存在");
    int64_t sid = json_integer_value(json_object_get(msg, "space_id"));
    const char *author = json_str_or_null(json_object_get(msg, "user_id"));
    int is_author = author && !strcmp(author, c->meta.uid);
    json_decref(msg);
    char role[8];
    int st = space_role(c, sid, c->meta.uid, role);
    if (st == 404) return rpc_fail(out, 404, "消息不存在");
    if (st != 200) return rpc_fail(out, st, "服务暂不可用");
    if (!is_author && strcmp(role, "owner")) return rpc_fail(out, 403, "无权限");
    sqlite3_stmt *s = db_stmt(c->db, "UPDATE messages SET deleted_at = ?2 WHERE id = ?1 "
                                     "AND deleted_at IS NULL");
    if (!s) return rpc_fail(out, 500, "删除失败");
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return rpc_fail(out, 500, "删除失败");
    if (db_changes(c->db) == 0) return rpc_fail(out, 404, "消息不存在");   /* raced */
    json_t *f = json_pack("{s:s,s:I}", "event", "message_deleted", "message_id", (json_int_t)id);
    chat_events_frame(sid, f, 0);
    json_decref(f);
    return rpc_ok(out, json_pack("{s:b}", "success", 1));
}
