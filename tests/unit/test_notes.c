/* svc-notes rules that need no running services: post media validation, comment/post
 * text trimming, stored media parsing, and the purge of a deleted space. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ut.h"
#include "../../svc-notes/notes.h"

/* Validates media_type with the JSON text `given` (NULL = absent); returns the 400 detail
 * or NULL, and the number of accepted urls in *n. */
static const char *media(const char *type, const char *given, size_t *n) {
    json_t *g = given ? json_loads(given, JSON_DECODE_ANY, NULL) : NULL, *urls = NULL;
    const char *bad = notes_validate_media(type, g, &urls);
    *n = json_array_size(urls);
    json_decref(urls);
    json_decref(g);
    return bad;
}

TEST(notes_media_none_and_image) {
    size_t n;
    CHECK(media("none", NULL, &n) == NULL && n == 0);
    CHECK(media("none", "[\"http://a/x.png\"]", &n) == NULL && n == 0);   /* ignored */
    CHECK(media("image", NULL, &n) == NULL && n == 0);
    CHECK(media("image", "[\"http://a/1\",\"http://a/2\"]", &n) == NULL && n == 2);
    CHECK(media("image", "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]", &n) == NULL && n == 9);
    CHECK_STR(media("image", "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\"]", &n),
              "最多只能上传9张图片");
    CHECK_STR(media("image", "[\"http://a/1\", 5]", &n), "媒体地址无效");
    CHECK_STR(media("image", "[\"\"]", &n), "媒体地址无效");
    CHECK_STR(media("image", "\"http://a/1\"", &n), "媒体列表格式无效");
    CHECK_STR(media("image", "{\"a\":1}", &n), "媒体列表格式无效");
}

/* ["aaa…"] with a url of `chars` characters (caller frees). */
static char *one_url_list(size_t chars) {
    char *s = malloc(chars + 5);
    if (!s) return NULL;
    strcpy(s, "[\"");
    memset(s + 2, 'a', chars);
    strcpy(s + 2 + chars, "\"]");
    return s;
}

TEST(notes_media_url_length_limit) {
    size_t n;
    char *ok = one_url_list(1024), *big = one_url_list(1025);
    CHECK(media("image", ok, &n) == NULL && n == 1);
    CHECK(media("video", ok, &n) == NULL && n == 1);
    CHECK_STR(media("image", big, &n), "媒体地址无效");
    CHECK_STR(media("video", big, &n), "媒体地址无效");
    free(ok);
    free(big);
}

TEST(notes_media_video_takes_first_url) {
    size_t n;
    CHECK(media("video", "[\"http://a/v.mp4\",\"http://a/w.mp4\"]", &n) == NULL && n == 1);
    CHECK(media("video", "[1, \"http://a/v.mp4\"]", &n) == NULL && n == 1);  /* first string */
    CHECK(media("video", NULL, &n) == NULL && n == 0);
}

TEST(notes_media_live_needs_cover_and_video) {
    size_t n;
    CHECK(media("live", "[{\"cover_url\":\"http://a/c.jpg\",\"video_url\":\"http://a/v.mov\"}]", &n) == NULL &&
          n == 1);
    CHECK(media("live", "[{\"cover_url\":\"c\"},{\"cover_url\":\"c2\",\"video_url\":\"v2\"}]", &n) == NULL &&
          n == 1);
    CHECK_STR(media("live", "[{\"cover_url\":\"http://a/c.jpg\"}]", &n), "Live动态缺少封面或视频");
    CHECK_STR(media("live", "[\"http://a/c.jpg\"]", &n), "Live动态缺少封面或视频");
    CHECK_STR(media("live", NULL, &n), "Live动态缺少封面或视频");
    CHECK_STR(media("live", "[{\"cover_url\":\"\",\"video_url\":\"v\"}]", &n), "Live动态缺少封面或视频");
}

TEST(notes_trim_counts_code_points) {
    long chars = -1;
    char *t = notes_trim("  \t你好 world \n", &chars);
    CHECK_STR(t, "你好 world");
    CHECK_EQ_INT(chars, 8);
    free(t);
    t = notes_trim("   ", &chars);
    CHECK_STR(t, "");
    CHECK_EQ_INT(chars, 0);
    free(t);
    CHECK(notes_trim("\xff\xfe", &chars) == NULL);                 /* invalid UTF-8 */
}

TEST(notes_stored_media_parsing_is_total) {
    json_t *a = notes_media_array("[\"x\"]");
    CHECK_EQ_INT(json_array_size(a), 1);
    json_decref(a);
    const char *bad[] = {NULL, "", "{", "{}", "3", "null"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        a = notes_media_array(bad[i]);
        CHECK(json_is_array(a) && json_array_size(a) == 0);
        json_decref(a);
    }
}

static int64_t count(db_conn *db, const char *table, int64_t space_id) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE space_id = ?1", table);
    sqlite3_stmt *s = db_stmt(db, sql);
    if (!s) return -1;
    db_bind_int(s, 1, space_id);
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    return n;
}

static void seed(db_conn *db, int64_t space, int64_t base) {
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO notes VALUES (%lld, %lld, 'u', 't', 'c', 1, 1, 1);"
             "INSERT INTO posts VALUES (%lld, %lld, 'u', 'p', 'none', '[]', 1);"
             "INSERT INTO comments VALUES (%lld, %lld, %lld, 'u', 'c', 1);"
             "INSERT INTO likes VALUES (%lld, %lld, %lld, 'u', 1);",
             (long long)base, (long long)space, (long long)base, (long long)space,
             (long long)base, (long long)base, (long long)space,
             (long long)base, (long long)base, (long long)space);
    db_exec(db, sql);
}

TEST(notes_purge_removes_only_the_deleted_space_and_is_idempotent) {
    char path[96];
    snprintf(path, sizeof path, "/tmp/wh-notes-unit-%d-%ld.db", (int)getpid(), random());
    db_conn *db = db_open(path, notes_migrations);
    CHECK(db != NULL);
    if (!db) return;
    seed(db, 7, 100);
    seed(db, 8, 200);
    json_t *ev = json_pack("{s:s,s:I}", "type", "space.deleted", "space_id", (json_int_t)7);
    json_t *other = json_pack("{s:s,s:I}", "type", "space.created", "space_id", (json_int_t)8);
    for (int round = 0; round < 2; round++) {
        CHECK_EQ_INT(db_begin(db), SQLITE_OK);
        CHECK_EQ_INT(notes_on_bus_event(db, ev, NULL), 0);
        CHECK_EQ_INT(notes_on_bus_event(db, other, NULL), 0);
        CHECK_EQ_INT(db_commit(db), SQLITE_OK);
    }
    const char *tables[] = {"notes", "posts", "comments", "likes"};
    for (int i = 0; i < 4; i++) {
        CHECK_EQ_INT(count(db, tables[i], 7), 0);
        CHECK_EQ_INT(count(db, tables[i], 8), 1);
    }
    json_decref(ev);
    json_decref(other);
    db_close(db);
    char side[128];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path); unlink(side);
    snprintf(side, sizeof side, "%s-shm", path); unlink(side);
}
