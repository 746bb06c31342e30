/* Gateway codecs and rules: tokens, route matching, argument normalisation. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../../common/timeutil.h"
#include "ut.h"
#include "../../gateway/gw_internal.h"

TEST(jwt_round_trip_and_rejections) {
    setenv("AUTH_JWT_SECRET", "unit-secret", 1);
    CHECK(gw_auth_init() == 0);
    char *tok = gw_token_issue("dev_alice", 60);
    char *sub = NULL;
    CHECK(tok != NULL);
    CHECK(gw_token_verify(tok, "unit-secret", &sub) == 0);
    CHECK_STR(sub, "dev_alice");
    free(sub);
    CHECK(gw_token_verify(tok, "other-secret", &sub) == -1);
    char *expired = gw_token_issue("dev_alice", -5);
    CHECK(gw_token_verify(expired, "unit-secret", &sub) == -2);
    /* flipping one signature character breaks it */
    char *bad = strdup(tok);
    bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
    CHECK(gw_token_verify(bad, "unit-secret", &sub) == -1);
    /* alg none, garbage, extra segments */
    CHECK(gw_token_verify("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "unit-secret", &sub) == -1);
    CHECK(gw_token_verify("garbage", "unit-secret", &sub) == -1);
    CHECK(gw_token_verify("a.b.c.d", "unit-secret", &sub) == -1);
    CHECK(gw_token_verify("", "unit-secret", &sub) == -1);
    char *sub2 = gw_token_subject(tok);
    CHECK_STR(sub2, "dev_alice");
    free(sub2);
    free(bad);
    free(expired);
    free(tok);
}

TEST(routes_match_with_parameters) {
    json_t *params = json_object();
    int st;
    const gw_route *r = gw_route_match("GET", "/api/notes/128", params, &st);
    CHECK(r && st == 200 && !strcmp(r->rpc, "notes.get"));
    CHECK_EQ_INT(json_integer_value(json_object_get(params, "id")), 128);
    r = gw_route_match("PUT", "/api/notes/128", params, &st);
    CHECK(r && !strcmp(r->rpc, "notes.update"));
    CHECK(gw_route_match("POST", "/api/notes/128", params, &st) == NULL && st == 405);
    CHECK(gw_route_match("GET", "/api/notes/128/x", params, &st) == NULL && st == 404);
    CHECK(gw_route_match("GET", "/api/nothing", params, &st) == NULL && st == 404);
    r = gw_route_match("GET", "/api/notes", params, &st);
    CHECK(r && !strcmp(r->rpc, "notes.list") && r->auth == GW_AUTH_MEMBER);
    r = gw_route_match("POST", "/api/space/enter/", params, &st);
    CHECK(r && r->auth == GW_AUTH_USER);
    json_decref(params);
}

TEST(every_route_has_a_service_and_method) {
    for (int i = 0; i < gw_route_count(); i++) {
        const gw_route *r = gw_route_at(i);
        CHECK(r->service < SVC_COUNT);
        CHECK(strchr(r->rpc, '.') != NULL);
        CHECK(r->auth != GW_AUTH_MEMBER || !r->shard_key || !strcmp(r->shard_key, "space_id"));
    }
}

TEST(snake_case_normalisation_and_identity_fields) {
    char buf[64];
    gw_snake_case("spaceCode", buf, sizeof buf);
    CHECK_STR(buf, "space_code");
    gw_snake_case("operatorUserId", buf, sizeof buf);
    CHECK_STR(buf, "operator_user_id");
    gw_snake_case("space_id", buf, sizeof buf);
    CHECK_STR(buf, "space_id");
    json_t *o = json_pack("{s:s,s:s}", "user_id", "a", "operator_user_id", "");
    CHECK(gw_identity_fields_match(o, "a") == 0);
    CHECK(gw_identity_fields_match(o, "b") == -1);
    json_object_set_new(o, "user_id", json_integer(5));
    CHECK(gw_identity_fields_match(o, "a") == -1);
    json_decref(o);
}

static int allowed_in_a_row(const char *key, long per_minute, int tries) {
    int n = 0;
    while (n < tries && gw_rate_allow("unit", key, per_minute)) n++;
    return n;
}

TEST(rate_limit_is_a_refilling_bucket_per_key) {
    /* a full bucket: exactly the limit passes, the next is refused */
    CHECK_EQ_INT(allowed_in_a_row("ip-a", 10, 50), 10);
    CHECK(!gw_rate_allow("unit", "ip-a", 10));
    /* other keys and other buckets keep their own budget */
    CHECK_EQ_INT(allowed_in_a_row("ip-b", 10, 50), 10);
    CHECK(gw_rate_allow("other", "ip-a", 10));
    /* 6000/min refills one token every 10 ms: after an empty bucket and a pause, what
     * passes matches the time that passed (never the whole bucket again) */
    CHECK_EQ_INT(allowed_in_a_row("ip-c", 6000, 10000), 6000);
    int64_t t0 = mono_ms();
    struct timespec pause = {0, 60 * 1000000L};
    nanosleep(&pause, NULL);
    int refilled = allowed_in_a_row("ip-c", 6000, 10000);
    int64_t waited = mono_ms() - t0;
    CHECK(refilled >= 5);
    CHECK(refilled <= waited / 10 + 1);
    /* no limit configured: everything passes */
    CHECK_EQ_INT(allowed_in_a_row("ip-d", 0, 100), 100);
}
