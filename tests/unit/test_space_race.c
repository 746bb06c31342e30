/* svc-space under concurrency: each thread has its own connection to one database file,
 * as the service's workers do. Parallel first entries make one space; parallel
 * redemptions of one share code succeed once. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "ut.h"
#include "../../svc-space/space.h"

typedef struct {
    const char *path, *uid, *args;
    rpc_handler_fn fn;
    int status;
    json_t *body;
} race_job;

static void *race_run(void *arg) {
    race_job *j = arg;
    db_conn *db = db_open(j->path, space_migrations);
    if (!db) { j->status = -1; return NULL; }
    json_t *a = json_loads(j->args, 0, NULL);
    svc_call c = {.method = "race", .meta = {.rid = "unit", .uid = j->uid}, .args = a, .db = db};
    j->status = j->fn(&c, &j->body);
    json_decref(a);
    db_close(db);
    return NULL;
}

static void race(race_job *jobs, int n) {
    pthread_t t[32];
    for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, race_run, &jobs[i]);
    for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
}

static void cleanup(const char *path) {
    char p[300];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path); unlink(p);
    snprintf(p, sizeof p, "%s-shm", path); unlink(p);
}

TEST(space_parallel_first_entries_make_one_space) {
    char path[256];
    snprintf(path, sizeof path, "/tmp/wh-space-race-%d.db", (int)getpid());
    cleanup(path);
    db_close(db_open(path, space_migrations));   /* migrate once, like service start */
    enum { N = 20 };
    race_job jobs[N];
    for (int i = 0; i < N; i++)
        jobs[i] = (race_job){.path = path, .uid = "racer", .fn = space_enter,
                             .args = "{\"space_code\":\"909090\",\"create_if_missing\":true}"};
    race(jobs, N);
    json_int_t first = -1;
    for (int i = 0; i < N; i++) {
        CHECK_EQ_INT(jobs[i].status, 200);
        json_int_t id = json_integer_value(json_object_get(jobs[i].body, "space_id"));
        if (first < 0) first = id;
        CHECK_EQ_INT(id, first);
        json_decref(jobs[i].body);
    }
    cleanup(path);
}

TEST(space_parallel_redemptions_succeed_once) {
    char path[256];
    snprintf(path, sizeof path, "/tmp/wh-space-race2-%d.db", (int)getpid());
    cleanup(path);
    db_conn *db = db_open(path, space_migrations);
    json_t *a = json_loads("{\"space_code\":\"808080\",\"create_if_missing\":true}", 0, NULL), *b = NULL;
    svc_call c = {.meta = {.rid = "unit", .uid = "owner"}, .args = a, .db = db};
    CHECK_EQ_INT(space_enter(&c, &b), 200);
    json_int_t sid = json_integer_value(json_object_get(b, "space_id"));
    json_decref(a);
    json_decref(b);
    char args[64];
    snprintf(args, sizeof args, "{\"space_id\":%lld}", (long long)sid);
    c.args = a = json_loads(args, 0, NULL);
    CHECK_EQ_INT(space_share(&c, &b), 200);
    char join_args[128];
    snprintf(join_args, sizeof join_args, "{\"share_code\":\"%s\",\"new_code\":\"707070\"}",
             json_string_value(json_object_get(b, "share_code")));
    json_decref(a);
    json_decref(b);
    db_close(db);
    enum { N = 8 };
    race_job jobs[N];
    char uids[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(uids[i], sizeof uids[i], "joiner%d", i);
        jobs[i] = (race_job){.path = path, .uid = uids[i], .fn = space_join_by_share, .args = join_args};
    }
    race(jobs, N);
    int ok = 0;
    for (int i = 0; i < N; i++) {
        CHECK(jobs[i].status == 200 || jobs[i].status == 400);
        ok += jobs[i].status == 200;
        json_decref(jobs[i].body);
    }
    CHECK_EQ_INT(ok, 1);
    cleanup(path);
}
