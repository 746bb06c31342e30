#include <stdio.h>
#include <string.h>
#include "spaceclient.h"
#include "service.h"
#include "args.h"

#define SPACE_TIMEOUT_MS 3000

int space_role(const svc_call *c, int64_t space_id, const char *uid, char role[8]) {
    if (!uid) return 404;
    json_t *args = json_pack("{s:I,s:s}", "space_id", (json_int_t)space_id, "user_id", uid);
    json_t *reply = NULL;
    int st = rpc_call(service_space_client(), 0, "space.role", &c->meta, args,
                      SPACE_TIMEOUT_MS, &reply);
    json_decref(args);
    const char *r = json_str_or_null(json_object_get(reply, "role"));
    if (st == 200 && r) snprintf(role, 8, "%s", r);
    else if (st == 200) st = 502;
    json_decref(reply);
    return st;
}

int space_role_for(const svc_call *c, int64_t space_id, char role[8]) {
    int64_t checked;
    if (c->meta.role && arg_int(c->args, "space_id", &checked) == 1 && checked == space_id) {
        snprintf(role, 8, "%s", c->meta.role);
        return 200;
    }
    return space_role(c, space_id, c->meta.uid, role);
}

json_t *space_profiles(const svc_call *c, int64_t space_id, const json_t *uids) {
    json_t *args = json_pack("{s:I,s:O}", "space_id", (json_int_t)space_id, "user_ids", uids);
    json_t *reply = NULL;
    int st = rpc_call(service_space_client(), 0, "space.profiles", &c->meta, args,
                      SPACE_TIMEOUT_MS, &reply);
    json_decref(args);
    json_t *profiles = json_object_get(reply, "profiles");
    json_t *result = (st == 200 && json_is_object(profiles)) ? json_incref(profiles) : NULL;
    json_decref(reply);
    return result;
}

json_t *space_profiles_of(const svc_call *c, int64_t space_id, const json_t *items,
                          const char *const *keys, size_t nkeys) {
    json_t *uids = json_array(), *seen = json_object();
    size_t i;
    json_t *it;
    json_array_foreach((json_t *)items, i, it) {
        for (size_t k = 0; k < nkeys; k++) {
            const char *u = json_str_or_null(json_object_get(it, keys[k]));
            if (u && !json_object_get(seen, u)) {
                json_object_set_new(seen, u, json_true());
                json_array_append_new(uids, json_string(u));
            }
        }
    }
    json_t *profiles = json_array_size(uids) ? space_profiles(c, space_id, uids) : NULL;
    json_decref(seen);
    json_decref(uids);
    return profiles;
}

void profile_apply(json_t *obj, const json_t *profiles, const char *uid_key, const char *prefix) {
    const char *uid = json_str_or_null(json_object_get(obj, uid_key));
    const json_t *p = uid ? json_object_get(profiles, uid) : NULL;
    char key[64];
    snprintf(key, sizeof key, "%salias", prefix);
    json_object_set(obj, key, p && json_object_get(p, "alias") ? json_object_get(p, "alias") : json_null());
    snprintf(key, sizeof key, "%savatar_url", prefix);
    json_object_set(obj, key,
                    p && json_object_get(p, "avatar_url") ? json_object_get(p, "avatar_url") : json_null());
}
