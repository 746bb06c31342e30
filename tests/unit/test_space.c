/* svc-space rules, driven through the handlers on a temporary database. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "ut.h"
#include "../../svc-space/space.h"

static db_conn *open_db(char *path, size_t n) {
    snprintf(path, n, "/tmp/wh-space-unit-%d-%ld.db", (int)getpid(), random());
    unlink(path);
    return db_open(path, space_migrations);
}

static void close_db(db_conn *db, const char *path) {
    db_close(db);
    char p[300];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path); unlink(p);
    snprintf(p, sizeof p, "%s-shm", path); unlink(p);
}

/* Calls handler fn as uid with args (JSON text); returns status, *body set (caller frees). */
static int call(db_conn *db, rpc_handler_fn fn, const char *uid, const char *args, json_t **body) {
    json_t *a = json_loads(args, 0, NULL);
    svc_call c = {.method = "test", .meta = {.rid = "unit", .uid = uid}, .args = a, .db = db};
    *body = NULL;
    int st = fn(&c, body);
    json_decref(a);
    return st;
}

static int status_of(db_conn *db, rpc_handler_fn fn, const char *uid, const char *args) {
    json_t *b;
    int st = call(db, fn, uid, args, &b);
    json_decref(b);
    return st;
}

static const char *detail_of(json_t *b) { return json_string_value(json_object_get(b, "detail")); }

static int64_t enter(db_conn *db, const char *uid, const char *code) {
    char args[128];
    snprintf(args, sizeof args, "{\"space_code\":\"%s\",\"create_if_missing\":true}", code);
    json_t *b;
    int st = call(db, space_enter, uid, args, &b);
    int64_t id = st == 200 && json_is_true(json_object_get(b, "success"))
                 ? json_integer_value(json_object_get(b, "space_id")) : -st;
    json_decref(b);
    return id;
}

static char *share(db_conn *db, const char *owner, int64_t sid) {
    char args[64];
    snprintf(args, sizeof args, "{\"space_id\":%lld}", (long long)sid);
    json_t *b;
    char *code = NULL;
    if (call(db, space_share, owner, args, &b) == 200)
        code = strdup(json_string_value(json_object_get(b, "share_code")));
    json_decref(b);
    return code;
}

static int join(db_conn *db, const char *uid, const char *share_code, const char *new_code, json_t **b) {
    char args[128];
    snprintf(args, sizeof args, "{\"share_code\":\"%s\",\"new_code\":\"%s\"}", share_code, new_code);
    return call(db, space_join_by_share, uid, args, b);
}

TEST(space_code_format_is_six_ascii_digits) {
    const char *ok[] = {"\"000000\"", "\"123456\""};
    const char *bad[] = {"\"12345\"", "\"1234567\"", "\"12345a\"", "123456", "null",
                         "\"\\uff11\\uff12\\uff13\\uff14\\uff15\\uff16\"",
                         "\"\\u0661\\u0662\\u0663\\u0664\\u0665\\u0666\"", "\"12345\\u0000\""};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        json_t *v = json_loads(ok[i], JSON_DECODE_ANY, NULL);
        CHECK(space_code_valid(v));
        json_decref(v);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *v = json_loads(bad[i], JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        CHECK(!space_code_valid(v));
        json_decref(v);
    }
}

TEST(space_share_code_alphabet_and_distribution) {
    enum { CODES = 20000 };
    long counts[36] = {0};
    const char *alphabet = SPACE_SHARE_ALPHABET;
    char code[SPACE_SHARE_CODE_LEN + 1];
    for (int i = 0; i < CODES; i++) {
        CHECK_EQ_INT(space_share_code_generate(code), 0);
        CHECK_EQ_INT(strlen(code), SPACE_SHARE_CODE_LEN);
        for (int k = 0; k < SPACE_SHARE_CODE_LEN; k++) {
            const char *p = strchr(alphabet, code[k]);
            CHECK(p && code[k]);
            if (p) counts[p - alphabet]++;
        }
    }
    /* 160000 draws, expected 4444 per symbol, sd ~66: every symbol within 6 sd */
    double expected = CODES * SPACE_SHARE_CODE_LEN / 36.0;
    for (int i = 0; i < 36; i++) CHECK(counts[i] > expected - 400 && counts[i] < expected + 400);
}

TEST(space_enter_per_user_codes_and_creation) {
    char path[256];
    db_conn *db = open_db(path, sizeof path);
    CHECK(db != NULL);
    json_t *b;
    CHECK_EQ_INT(call(db, space_enter, "alice", "{\"space_code\":\"123456\"}", &b), 200);
    CHECK(json_is_false(json_object_get(b, "success")));
    CHECK(json_is_true(json_object_get(b, "requires_creation")));
    CHECK_STR(json_string_value(json_object_get(b, "message")), "空间号未创建");
    json_decref(b);
    int64_t a = enter(db, "alice", "123456");
    CHECK(a > 0);
    CHECK_EQ_INT(enter(db, "alice", "123456"), a);
    int64_t bob = enter(db, "bob", "123456");
    CHECK(bob > 0 && bob != a);
    CHECK_EQ_INT(call(db, space_enter, "alice", "{\"space_code\":123456}", &b), 400);
    CHECK_STR(detail_of(b), "空间号必须是6位数字");
    json_decref(b);
    CHECK_EQ_INT(status_of(db, space_enter, "alice",
                           "{\"space_code\":\"\\uff11\\uff12\\uff13\\uff14\\uff15\\uff16\",\"create_if_missing\":true}"), 400);
    CHECK_EQ_INT(space_role_of(db, a, "alice"), SPACE_ROLE_OWNER);
    CHECK_EQ_INT(space_role_of(db, a, "bob"), SPACE_ROLE_NONE);
    close_db(db, path);
}

TEST(space_share_join_once_blocklist_and_collisions) {
    char path[256];
    db_conn *db = open_db(path, sizeof path);
    int64_t sid = enter(db, "owner", "111111");
    int64_t bobs_own = enter(db, "bob", "222222");
    CHECK(sid > 0 && bobs_own > 0);
    char args[64];
    snprintf(args, sizeof args, "{\"space_id\":%lld}", (long long)sid);
    char *code = share(db, "owner", sid);
    CHECK(code != NULL);
    json_t *b;
    /* collision with bob's own space code: refused and the code stays usable */
    CHECK_EQ_INT(join(db, "bob", code, "222222", &b), 400);
    CHECK_STR(detail_of(b), "该空间号已被使用");
    json_decref(b);
    CHECK_EQ_INT(join(db, "owner", code, "333333", &b), 400);
    json_decref(b);
    CHECK_EQ_INT(join(db, "bob", code, "12345", &b), 400);
    CHECK_STR(detail_of(b), "新空间号必须是6位数字");
    json_decref(b);
    CHECK_EQ_INT(join(db, "bob", code, "333333", &b), 200);
    CHECK(json_is_true(json_object_get(b, "success")));
    CHECK_EQ_INT(json_integer_value(json_object_get(b, "space_id")), sid);
    json_decref(b);
    /* used and unknown codes: one answer */
    json_t *b2;
    CHECK_EQ_INT(join(db, "carol", code, "444444", &b), 400);
    CHECK_EQ_INT(join(db, "carol", "ZZZZZZZZ", "444444", &b2), 400);
    CHECK(json_equal(b, b2));
    json_decref(b);
    json_decref(b2);
    CHECK_EQ_INT(enter(db, "bob", "333333"), sid);
    CHECK_EQ_INT(space_role_of(db, sid, "bob"), SPACE_ROLE_MEMBER);
    /* info shows bob his own code, not the owner's */
    CHECK_EQ_INT(call(db, space_info, "bob", args, &b), 200);
    CHECK_STR(json_string_value(json_object_get(b, "code")), "333333");
    json_decref(b);
    /* member may not share or delete */
    CHECK_EQ_INT(status_of(db, space_share, "bob", args), 403);
    CHECK_EQ_INT(status_of(db, space_delete, "bob", args), 403);
    /* block bob: not a member, a fresh code is refused and not consumed */
    snprintf(args, sizeof args, "{\"space_id\":%lld,\"member_user_id\":\"bob\"}", (long long)sid);
    CHECK_EQ_INT(status_of(db, space_block_member, "owner", args), 200);
    CHECK_EQ_INT(space_role_of(db, sid, "bob"), SPACE_ROLE_NONE);
    free(code);
    code = share(db, "owner", sid);
    CHECK_EQ_INT(join(db, "bob", code, "333333", &b), 403);
    CHECK_STR(detail_of(b), "你已被房主移出该空间");
    json_decref(b);
    CHECK_EQ_INT(join(db, "carol", code, "444444", &b), 200);
    json_decref(b);
    /* owner cannot block himself */
    snprintf(args, sizeof args, "{\"space_id\":%lld,\"member_user_id\":\"owner\"}", (long long)sid);
    CHECK_EQ_INT(call(db, space_block_member, "owner", args, &b), 400);
    CHECK_STR(detail_of(b), "房主不可移除自己");
    json_decref(b);
    free(code);
    close_db(db, path);
}

TEST(space_modify_code_stays_in_own_namespace) {
    char path[256];
    db_conn *db = open_db(path, sizeof path);
    int64_t s1 = enter(db, "alice", "100001"), s2 = enter(db, "alice", "100002");
    enter(db, "bob", "100003");
    char args[96];
    json_t *b;
    snprintf(args, sizeof args, "{\"space_id\":%lld,\"new_code\":\"100002\"}", (long long)s1);
    CHECK_EQ_INT(call(db, space_modify_code, "alice", args, &b), 400);
    CHECK_STR(detail_of(b), "该空间号已被使用");
    json_decref(b);
    /* bob's codes are bob's business */
    snprintf(args, sizeof args, "{\"space_id\":%lld,\"new_code\":\"100003\"}", (long long)s1);
    CHECK_EQ_INT(status_of(db, space_modify_code, "alice", args), 200);
    CHECK_EQ_INT(enter(db, "alice", "100003"), s1);
    snprintf(args, sizeof args, "{\"space_id\":%lld,\"new_code\":\"1000\"}", (long long)s2);
    CHECK_EQ_INT(status_of(db, space_modify_code, "alice", args), 400);
    close_db(db, path);
}

TEST(space_delete_writes_outbox_and_tombstone) {
    char path[256];
    db_conn *db = open_db(path, sizeof path);
    int64_t sid = enter(db, "owner", "555555");
    char *code = share(db, "owner", sid);
    json_t *b;
    CHECK_EQ_INT(join(db, "m1", code, "666666", &b), 200);
    json_decref(b);
    free(code);
    char args[96];
    snprintf(args, sizeof args, "{\"space_id\":%lld}", (long long)sid);
    CHECK_EQ_INT(status_of(db, space_leave, "owner", args), 400);
    CHECK_EQ_INT(status_of(db, space_leave, "m1", args), 200);
    CHECK_EQ_INT(call(db, space_delete, "owner", args, &b), 200);
    CHECK_STR(json_string_value(json_object_get(b, "message")), "空间删除成功");
    json_decref(b);
    CHECK_EQ_INT(space_role_of(db, sid, "owner"), SPACE_ROLE_NONE);
    CHECK_EQ_INT(status_of(db, space_info, "owner", args), 404);
    /* the same code now makes a new space with a new id */
    int64_t again = enter(db, "owner", "555555");
    CHECK(again > sid);
    CHECK_EQ_INT(call(db, space_bus_since, NULL, "{\"after\":0}", &b), 200);
    json_t *evs = json_object_get(b, "events");
    CHECK_EQ_INT(json_array_size(evs), 2);
    CHECK_STR(json_string_value(json_object_get(json_array_get(evs, 0), "type")), "member.removed");
    CHECK_STR(json_string_value(json_object_get(json_array_get(evs, 0), "user_id")), "m1");
    CHECK_STR(json_string_value(json_object_get(json_array_get(evs, 1), "type")), "space.deleted");
    CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(evs, 1), "space_id")), sid);
    CHECK_EQ_INT(json_integer_value(json_object_get(b, "last_seq")), 2);
    json_decref(b);
    CHECK_EQ_INT(call(db, space_bus_since, NULL, "{\"after\":1,\"limit\":5}", &b), 200);
    CHECK_EQ_INT(json_array_size(json_object_get(b, "events")), 1);
    json_decref(b);
    close_db(db, path);
}

TEST(space_alias_upsert_keeps_unset_fields) {
    char path[256];
    db_conn *db = open_db(path, sizeof path);
    int64_t sid = enter(db, "al", "777777");
    char args[256];
    json_t *b;
    snprintf(args, sizeof args, "{\"space_id\":%lld}", (long long)sid);
    CHECK_EQ_INT(call(db, space_user_alias, "al", args, &b), 200);
    CHECK(json_is_null(b));
    json_decref(b);
    snprintf(args, sizeof args, "{\"space_id\":%lld,\"alias\":\"A\",\"avatar_url\":\"https://x/a.png\","
             "\"theme_preference\":\"dark\"}", (long long)sid);
    CHECK_EQ_INT(status_of(db, space_user_set_alias, "al", args), 200);
    snprintf(args, sizeof args, "{\"space_id\":%lld,\"alias\":\"\",\"avatar_url\":null}", (long long)sid);
    CHECK_EQ_INT(call(db, space_user_set_alias, "al", args, &b), 200);
    CHECK_STR(json_string_value(json_object_get(b, "alias")), "");
    CHECK_STR(json_string_value(json_object_get(b, "avatar_url")), "https://x/a.png");
    CHECK_STR(json_string_value(json_object_get(b, "theme_preference")), "dark");
    json_decref(b);
    snprintf(args, sizeof args, "{\"space_id\":%lld,\"alias\":\"A\",\"theme_preference\":\"pink\"}", (long long)sid);
    CHECK_EQ_INT(status_of(db, space_user_set_alias, "al", args), 400);
    snprintf(args, sizeof args, "{\"space_id\":%lld}", (long long)sid);
    CHECK_EQ_INT(status_of(db, space_user_set_alias, "al", args), 400);
    snprintf(args, sizeof args, "{\"space_id\":%lld,\"alias\":\"123456789012345678901234567890123\"}", (long long)sid);
    CHECK_EQ_INT(status_of(db, space_user_set_alias, "al", args), 400);
    CHECK_EQ_INT(call(db, space_enter, "al", "{\"space_code\":\"777777\"}", &b), 200);
    CHECK_STR(json_string_value(json_object_get(b, "theme_preference")), "dark");
    json_decref(b);
    CHECK_EQ_INT(status_of(db, space_logs_track, "al", "{\"page\":\"x\"}"), 400);
    CHECK_EQ_INT(status_of(db, space_logs_track, "al", "{\"action\":\"page_view\",\"space_id\":null}"), 200);
    snprintf(args, sizeof args, "{\"action\":\"page_view\",\"space_id\":%lld}", (long long)sid);
    CHECK_EQ_INT(status_of(db, space_logs_track, "al", args), 200);
    CHECK_EQ_INT(status_of(db, space_logs_track, "stranger", args), 404);
    close_db(db, path);
}
