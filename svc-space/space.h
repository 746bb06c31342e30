/* svc-space internal API: the directory of spaces, per-user codes, members, blocks,
 * aliases, share codes, and the outbox of space events (the bus). */
#ifndef SPACE_H
#define SPACE_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "../common/rpc.h"

extern const char *const space_migrations[];

/* ---- roles (directory.c) ---- */
enum { SPACE_ROLE_NONE = 0, SPACE_ROLE_MEMBER = 1, SPACE_ROLE_OWNER = 2 };
/* Role of uid in a live space; SPACE_ROLE_NONE for missing, deleted or non-member; -1 on a
 * database error. */
int space_role_of(db_conn *db, int64_t space_id, const char *uid);
/* Prologue of every space-scoped handler: caller identity, space_id argument and the
 * caller's role read from our own database (the gateway's check is not trusted alone).
 * Returns 0 and fills *space_id and *role, or a status with *out set. */
int space_require_member(svc_call *c, json_t **out, int64_t *space_id, int *role);
/* Same, and the caller must own the space (403 无权限 otherwise). */
int space_require_owner(svc_call *c, json_t **out, int64_t *space_id);
/* theme_preference of (space, uid) as a new JSON value (string or null). */
json_t *space_theme_of(db_conn *db, int64_t space_id, const char *uid);
/* 500-class reply for a failed sqlite call (rolls back any open transaction). */
int space_db_fail(svc_call *c, json_t **out, const char *what);

/* ---- codes (codes.c) ---- */
#define SPACE_SHARE_CODE_LEN 8
#define SPACE_SHARE_ALPHABET "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
/* 6 ASCII digits, given as a JSON string. */
int space_code_valid(const json_t *v);
/* Fill buf (>= 9 bytes) with 8 unbiased characters from [0-9A-Z] drawn from OpenSSL's
 * CSPRNG. 0 ok, -1 when the CSPRNG fails. */
int space_share_code_generate(char *buf);
/* Is code already one of uid's own codes (own live spaces or own mappings), ignoring the
 * entry for except_space (0 = ignore none)? 1 yes, 0 no, -1 db error. */
int space_code_taken(db_conn *db, const char *uid, const char *code, int64_t except_space);
/* Look code up in uid's namespace: own live space first, then own mapping. Space id, 0 when
 * not found, -1 on a db error. */
int64_t space_lookup_code(db_conn *db, const char *uid, const char *code);
/* Is uid blocked in space? 1/0, -1 on error. */
int space_is_blocked(db_conn *db, int64_t space_id, const char *uid);
/* INSERT OR IGNORE the member row. 0 ok, -1 error. */
/* Runs an INSERT taking (?1 space_id, ?2 user_id, ?3 now ms); sql must be a literal
 * (statements are cached by pointer). 0 ok. */
int space_insert_pair(db_conn *db, const char *sql, int64_t space_id, const char *uid);
int space_ensure_member(db_conn *db, int64_t space_id, const char *uid);

/* ---- outbox and bus (outbox.c) ---- */
/* Append an event inside the caller's open write transaction; *event receives the event
 * object to publish after the commit. 0 ok, -1 error. */
int space_outbox_append(db_conn *db, const char *type, int64_t space_id, const char *uid,
                        json_t **event);
/* Publish (best effort; subscribers catch up) and release the event. NULL is a no-op. */
void space_outbox_publish(json_t *event);
int space_bus_open(void);
void space_bus_close(void);
/* Remove uid's membership (member row, mapping) and append member.removed when something
 * was removed, inside an open write transaction. 0 ok, -1 error. */
int space_drop_member(db_conn *db, int64_t space_id, const char *uid, json_t **event);

/* ---- handlers ---- */
int space_settings_system(svc_call *c, json_t **out);
int space_enter(svc_call *c, json_t **out);
int space_share(svc_call *c, json_t **out);
int space_join_by_share(svc_call *c, json_t **out);
int space_modify_code(svc_call *c, json_t **out);
int space_info(svc_call *c, json_t **out);
int space_members(svc_call *c, json_t **out);
int space_blocks(svc_call *c, json_t **out);
int space_remove_member(svc_call *c, json_t **out);
int space_block_member(svc_call *c, json_t **out);
int space_unblock_member(svc_call *c, json_t **out);
int space_leave(svc_call *c, json_t **out);
int space_delete(svc_call *c, json_t **out);
int space_user_alias(svc_call *c, json_t **out);
int space_user_set_alias(svc_call *c, json_t **out);
int space_logs_track(svc_call *c, json_t **out);
/* internal */
int space_role_rpc(svc_call *c, json_t **out);
int space_profiles_rpc(svc_call *c, json_t **out);
int space_bus_since(svc_call *c, json_t **out);
#endif
