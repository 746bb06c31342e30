/* The collaborative notebook: list (search, paging), get, create, update, delete. */
#include <stdlib.h>
#include <string.h>
#include "notes.h"
#include "../common/args.h"
#include "../common/ids.h"
#include "../common/timeutil.h"

#define MAX_TITLE 200
#define MAX_CONTENT 100000
#define LIST_CAP 500       /* a client that sends no paging still gets a bounded answer */

#define NOTE_COLS "id, space_id, user_id, title, content, editable_by_others, created_at, updated_at"

static json_t *note_from_row(sqlite3_stmt *s, const char *viewer) {
    const char *author = db_col_text(s, 2);
    int editable = sqlite3_column_int(s, 5);
    json_t *n = json_pack("{s:s,s:s,s:I,s:I,s:s,s:n,s:b,s:b}",
                          "title", db_col_text(s, 3), "content", db_col_text(s, 4),
                          "id", (json_int_t)sqlite3_column_int64(s, 0),
                          "space_id", (json_int_t)sqlite3_column_int64(s, 1),
                          "user_id", author, "alias", "editable_by_others", editable,
                          "can_edit", editable || (viewer && !strcmp(viewer, author)));
    notes_set_time(n, "created_at", sqlite3_column_int64(s, 6), 0);
    notes_set_time(n, "updated_at", sqlite3_column_int64(s, 7), 0);
    return n;
}

/* Note by id, and the caller must be a member of its space; else the one 404. */
static int load_note(svc_call *c, json_t **out, json_t **note, char role[8]) {
    int64_t id;
    if (arg_int(c->args, "id", &id) != 1) return rpc_fail(out, 404, "笔记不存在");
    sqlite3_stmt *s = db_stmt(c->db, "SELECT " NOTE_COLS " FROM notes WHERE id = ?1");
    if (!s) return notes_db_fail(c, out, "note select");
    db_bind_int(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        return rc == SQLITE_DONE ? rpc_fail(out, 404, "笔记不存在") : notes_db_fail(c, out, "note step");
    }
    *note = note_from_row(s, c->meta.uid);
    sqlite3_reset(s);
    int st = notes_role(c, json_integer_value(json_object_get(*note, "space_id")), role);
    if (st != 200) {
        json_decref(*note);
        *note = NULL;
        return st == 404 ? rpc_fail(out, 404, "笔记不存在") : rpc_fail(out, st, "服务暂不可用");
    }
    return 200;
}

int notes_get(svc_call *c, json_t **out) {
    json_t *note;
    char role[8];
    int st = load_note(c, out, &note, role);
    if (st != 200) return st;
    json_t *one = json_array();
    json_array_append(one, note);
    notes_apply_profiles(c, json_integer_value(json_object_get(note, "space_id")), one);
    json_decref(one);
    return rpc_ok(out, note);
}

int notes_list(svc_call *c, json_t **out) {
    int64_t space_id, page = 1, limit = LIST_CAP;
    const char *kw = NULL;
    arg_int(c->args, "space_id", &space_id);
    int paged = json_object_get(c->args, "page") || json_object_get(c->args, "limit");
    if (arg_int(c->args, "page", &page) < 0 || arg_int(c->args, "limit", &limit) < 0)
        return rpc_fail(out, 400, "分页参数无效");
    if (paged) {
        if (!json_object_get(c->args, "limit")) limit = 20;
        if (limit < 1) limit = 1;
        if (limit > 100) limit = 100;
        if (page < 1) page = 1;
    }
    if (arg_str(c->args, "keyword", &kw) < 0) return rpc_fail(out, 400, "搜索关键词无效");
    /* LIKE pattern with \ escaping so % and _ in the keyword match literally */
    char pattern[420] = "%";
    if (kw && *kw) {
        if (strlen(kw) > 100) return rpc_fail(out, 400, "搜索关键词过长");
        size_t o = 1;
        for (const char *p = kw; *p && o < sizeof pattern - 3; p++) {
            if (*p == '%' || *p == '_' || *p == '\\') pattern[o++] = '\\';
            pattern[o++] = *p;
        }
        pattern[o++] = '%';
        pattern[o] = 0;
    }
    sqlite3_stmt *s = db_stmt(c->db,
        "SELECT " NOTE_COLS " FROM notes WHERE space_id = ?1"
        " AND (?2 = '%' OR title LIKE ?2 ESCAPE '\\' OR content LIKE ?2 ESCAPE '\\')"
        " ORDER BY updated_at DESC, id DESC LIMIT ?3 OFFSET ?4");
    if (!s) return notes_db_fail(c, out, "notes list");
    db_bind_int(s, 1, space_id);
    db_bind_text(s, 2, pattern);
    db_bind_int(s, 3, limit + 1);
    db_bind_int(s, 4, (page - 1) * limit);
    json_t *notes = json_array();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) json_array_append_new(notes, note_from_row(s, c->meta.uid));
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) { json_decref(notes); return notes_db_fail(c, out, "notes list step"); }
    int has_more = json_array_size(notes) > (size_t)limit;
    if (has_more) json_array_remove(notes, json_array_size(notes) - 1);
    notes_apply_profiles(c, space_id, notes);
    json_t *body = json_pack("{s:o}", "notes", notes);
    if (paged) {
        json_object_set_new(body, "page", json_integer(page));
        json_object_set_new(body, "limit", json_integer(limit));
        json_object_set_new(body, "has_more", json_boolean(has_more));
    }
    return rpc_ok(out, body);
}

/* Validates a title/content pair; either may be absent when `optional`. */
static const char *check_text(const json_t *args, const char *key, long max, int optional) {
    const json_t *v = json_object_get(args, key);
    if (!v || json_is_null(v)) return optional ? NULL : "标题和内容不能缺少";
    if (!json_is_string(v)) return "标题或内容格式无效";
    long n = utf8_len(json_string_value(v));
    if (n < 0) return "标题或内容格式无效";
    if (n > max) return !strcmp(key, "title") ? "标题过长" : "内容过长";
    return NULL;
}

int notes_create(svc_call *c, json_t **out) {
    int64_t space_id;
    arg_int(c->args, "space_id", &space_id);
    const char *bad = check_text(c->args, "title", MAX_TITLE, 0);
    if (!bad) bad = check_text(c->args, "content", MAX_CONTENT, 0);
    if (bad) return rpc_fail(out, 400, bad);
    int editable = 1;
    if (arg_bool(c->args, "editable_by_others", &editable) < 0) return rpc_fail(out, 400, "参数无效");
    int64_t now = now_ms();
    if (db_begin(c->db) != SQLITE_OK) return notes_db_fail(c, out, "note begin");
    int64_t id = id_next(c->db, "notes");
    sqlite3_stmt *s = db_stmt(c->db,
        "INSERT INTO notes(id, space_id, user_id, title, content, editable_by_others, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
    if (id < 0 || !s) return notes_db_fail(c, out, "note insert prepare");
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, space_id);
    db_bind_text(s, 3, c->meta.uid);
    db_bind_text(s, 4, json_string_value(json_object_get(c->args, "title")));
    db_bind_text(s, 5, json_string_value(json_object_get(c->args, "content")));
    db_bind_int(s, 6, editable);
    db_bind_int(s, 7, now);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE || db_commit(c->db) != SQLITE_OK) return notes_db_fail(c, out, "note insert");
    json_object_set_new(c->args, "id", json_integer(id));
    return notes_get(c, out);
}

int notes_update(svc_call *c, json_t **out) {
    json_t *note;
    char role[8];
    int st = load_note(c, out, &note, role);
    if (st != 200) return st;
    int is_author = !strcmp(json_string_value(json_object_get(note, "user_id")), c->meta.uid);
    int editable = json_is_true(json_object_get(note, "editable_by_others"));
    json_decref(note);
    if (!is_author && !editable) return rpc_fail(out, 403, "无权限编辑该笔记");
    const char *bad = check_text(c->args, "title", MAX_TITLE, 1);
    if (!bad) bad = check_text(c->args, "content", MAX_CONTENT, 1);
    if (bad) return rpc_fail(out, 400, bad);
    int flag = -1;
    if (is_author && arg_bool(c->args, "editable_by_others", &flag) < 0) return rpc_fail(out, 400, "参数无效");
    /* a non-author's editable_by_others is ignored (flag stays -1) */
    sqlite3_stmt *s = db_stmt(c->db,
        "UPDATE notes SET title = COALESCE(?2, title), content = COALESCE(?3, content),"
        " editable_by_others = CASE WHEN ?4 < 0 THEN editable_by_others ELSE ?4 END,"
        " updated_at = MAX(?5, updated_at + 1) WHERE id = ?1");
    int64_t id;
    arg_int(c->args, "id", &id);
    if (!s) return notes_db_fail(c, out, "note update prepare");
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, json_str_or_null(json_object_get(c->args, "title")));
    db_bind_text(s, 3, json_str_or_null(json_object_get(c->args, "content")));
    db_bind_int(s, 4, flag);
    db_bind_int(s, 5, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return notes_db_fail(c, out, "note update");
    return notes_get(c, out);
}

int notes_delete(svc_call *c, json_t **out) {
    json_t *note;
    char role[8];
    int st = load_note(c, out, &note, role);
    if (st != 200) return st;
    int is_author = !strcmp(json_string_value(json_object_get(note, "user_id")), c->meta.uid);
    json_decref(note);
    if (!is_author) return rpc_fail(out, 403, "仅作者可删除");
    int64_t id;
    arg_int(c->args, "id", &id);
    sqlite3_stmt *s = db_stmt(c->db, "DELETE FROM notes WHERE id = ?1");
    if (!s) return notes_db_fail(c, out, "note delete prepare");
    db_bind_int(s, 1, id);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return notes_db_fail(c, out, "note delete");
    return rpc_ok(out, json_pack("{s:b}", "success", 1));
}
