/* What domain services ask svc-space: the caller's role in a space, and members' display
 * profiles (alias, avatar) for reply shapes. Both go through service_space_client(). */
#ifndef WH_SPACECLIENT_H
#define WH_SPACECLIENT_H
#include <jansson.h>
#include <stdint.h>
#include "rpc.h"
/* Role of uid in space_id: fills role ("owner"/"member"), returns 200; returns 404 when the
 * space does not exist, is deleted, or uid is not a member (one answer for all: no oracle);
 * 503/504 on transport failure. */
int space_role(const svc_call *c, int64_t space_id, const char *uid, char role[8]);
/* Use the gateway's role when it checked this very space, else ask svc-space. */
int space_role_for(const svc_call *c, int64_t space_id, char role[8]);
/* Profiles: returns a new object {uid: {"alias": str|null, "avatar_url": str|null}, ...}
 * for every uid in the array `uids` (missing rows -> nulls). NULL on failure. */
json_t *space_profiles(const svc_call *c, int64_t space_id, const json_t *uids);
/* Profiles of every distinct user named (as a string) under any of keys in the objects of
 * the array `items`, in one RPC; NULL when nobody is named or on failure. */
json_t *space_profiles_of(const svc_call *c, int64_t space_id, const json_t *items,
                          const char *const *keys, size_t nkeys);
/* Fill alias/avatar_url on obj from profiles[obj[uid_key]] (nulls when unknown). Prefix lets
 * one call set "reply_to_alias"/"reply_to_avatar_url": prefix "reply_to_". */
void profile_apply(json_t *obj, const json_t *profiles, const char *uid_key, const char *prefix);
#endif
