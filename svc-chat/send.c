/* chat.send: validate, store once per (space, user, client_id), publish the frame.
 * A resend with the same client_id (nng retry, HTTP fallback after a WebSocket send,
 * reconnecting client) returns the stored message's id and echoes it again. */
#include <stdlib.h>
#include <string.h>
#include "chat.h"
#include "../common/args.h"
#include "../common/ids.h"
#include "../common/timeutil.h"

/* Existing message of this (space, user, client_id): its id, 0 none, -1 error. */
static int64_t find_by_client_id(svc_call *c, int64_t sid, const char *client_id) {
    sqlite3_stmt *s = db_stmt(c->db, "SELECT id FROM messages WHERE space_id = ?1 AND "
                                     "user_id = ?2 AND client_id = ?3");
    if (!s) return -1;
    db_bind_int(s, 1, sid);
    db_bind_text(s, 2, c->meta.uid);
    db_bind_text(s, 3, client_id);
    int rc = sqlite3_step(s);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : rc == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(s);
    return id;
}

/* The replied-to message must be a live message of the same space; its author and type
 * come from our row, not from the client. Returns 1 found, 0 not (reply dropped), -1 error. */
static int reply_target(svc_call *c, int64_t sid, int64_t rid, char **uid, char **type) {
    sqlite3_stmt *s = db_stmt(c->db, "SELECT user_id, message_type FROM messages WHERE id = ?1 "
                                     "AND space_id = ?2 AND deleted_at IS NULL");
    if (!s) return -1;
    db_bind_int(s, 1, rid);
    db_bind_int(s, 2, sid);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *uid = strdup(db_col_text(s, 0));
        *type = strdup(db_col_text(s, 1));
    }
    sqlite3_reset(s);
    if (rc == SQLITE_ROW) return (*uid && *type) ? 1 : -1;
    return rc == SQLITE_DONE ? 0 : -1;
}

static int insert(svc_call *c, int64_t sid, const chat_msg_in *m, int64_t *id) {
    char *ruid = NULL, *rtype = NULL;
    int has_reply = m->has_reply ? reply_target(c, sid, m->reply_to_id, &ruid, &rtype) : 0;
    if (has_reply < 0 || (*id = id_next(c->db, "messages")) < 0) {
        free(ruid);
        free(rtype);
        return -1;
    }
    sqlite3_stmt *s = db_stmt(c->db,
        "INSERT INTO messages(id, space_id, user_id, content, message_type, media_url, "
        "media_duration, client_id, reply_to_id, reply_to_user_id, reply_to_content, "
        "reply_to_type, created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)");
    int rc = SQLITE_ERROR;
    if (s) {
        db_bind_int(s, 1, *id);
        db_bind_int(s, 2, sid);
        db_bind_text(s, 3, c->meta.uid);
        db_bind_text(s, 4, m->content);
        db_bind_text(s, 5, m->type);
        db_bind_text(s, 6, m->media_url);
        if (m->has_duration) db_bind_int(s, 7, m->duration_ms);
        db_bind_text(s, 8, m->client_id);
        if (has_reply) {
            db_bind_int(s, 9, m->reply_to_id);
            db_bind_text(s, 10, ruid);
            db_bind_text(s, 11, m->reply_to_content ? m->reply_to_content : "");
            db_bind_text(s, 12, rtype);
        }
        db_bind_int(s, 13, now_ms());
        rc = sqlite3_step(s);
        sqlite3_reset(s);
    }
    free(ruid);
    free(rtype);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Stores the message, or finds the one stored under the same client_id; sets *id. */
static int store(svc_call *c, int64_t sid, const chat_msg_in *m, int64_t *id) {
    if (db_begin(c->db) != SQLITE_OK) return -1;
    *id = m->client_id ? find_by_client_id(c, sid, m->client_id) : 0;
    if (*id < 0 || (*id == 0 && insert(c, sid, m, id)) || db_commit(c->db) != SQLITE_OK) {
        db_rollback(c->db);
        return -1;
    }
    return 0;
}

static void publish(svc_call *c, int64_t sid, int64_t id, int from_ws) {
    json_t *msg = chat_msg_load(c->db, id, 0);
    if (!msg) return;                      /* a duplicate of a since-deleted message */
    json_object_del(msg, "space_id");
    chat_msgs_profile(c, sid, msg);
    if (from_ws) {                         /* as the client expects on the socket path */
        json_t *t = json_pack("{s:s,s:s,s:b}", "event", "typing", "user_id", c->meta.uid,
                              "typing", 0);
        chat_events_frame(sid, t, 0);
        json_decref(t);
    }
    chat_events_frame(sid, msg, id);
    json_decref(msg);
}

int chat_send(svc_call *c, json_t **out) {
    int64_t sid;
    int st = chat_space_arg(c, &sid, out);
    if (st) return st;
    chat_msg_in m;
    const char *err = NULL;
    if ((st = chat_msg_parse(c->args, &m, &err))) {
        chat_msg_free(&m);
        return rpc_fail(out, st, err);
    }
    int from_ws = 0;
    arg_bool(c->args, "from_ws", &from_ws);
    int64_t id = 0;
    st = store(c, sid, &m, &id);
    chat_msg_free(&m);
    if (st) return rpc_fail(out, 500, "消息保存失败");
    publish(c, sid, id, from_ws);
    return rpc_ok(out, json_pack("{s:b,s:s,s:I}", "success", 1, "message", "发送成功",
                                 "id", (json_int_t)id));
}
