#include <string.h>
#include <sys/random.h>
#include "rpc_envelope.h"
#include "mpjson.h"

static void pack_str(msgpack_packer *pk, const char *s) {
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

static void pack_opt(msgpack_packer *pk, const char *key, const char *v) {
    pack_str(pk, key);
    if (v) pack_str(pk, v);
    else msgpack_pack_nil(pk);
}

int rpc_encode_request(msgpack_sbuffer *sb, uint64_t cid, const char *method,
                       const rpc_meta *meta, const json_t *args) {
    msgpack_sbuffer_init(sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 7);
    pack_str(&pk, "m"); pack_str(&pk, method);
    pack_str(&pk, "cid"); msgpack_pack_uint64(&pk, cid);
    pack_opt(&pk, "rid", meta ? meta->rid : NULL);
    pack_opt(&pk, "uid", meta ? meta->uid : NULL);
    pack_opt(&pk, "role", meta ? meta->role : NULL);
    pack_opt(&pk, "ip", meta ? meta->ip : NULL);
    pack_str(&pk, "a");
    if (args && json_is_object(args)) {
        if (mp_pack_json(&pk, args)) { msgpack_sbuffer_destroy(sb); return -1; }
    } else {
        msgpack_pack_map(&pk, 0);
    }
    return 0;
}

static int key_is(const msgpack_object *k, const char *name) {
    size_t n = strlen(name);
    return k->type == MSGPACK_OBJECT_STR && k->via.str.size == n && !memcmp(k->via.str.ptr, name, n);
}

/* Copy a msgpack string into buf; 1 copied, 0 nil/absent, -1 wrong type or too long. */
static int copy_str(const msgpack_object *v, char *buf, size_t n) {
    if (v->type == MSGPACK_OBJECT_NIL) return 0;
    if (v->type != MSGPACK_OBJECT_STR || v->via.str.size >= n) return -1;
    memcpy(buf, v->via.str.ptr, v->via.str.size);
    buf[v->via.str.size] = 0;
    return memchr(buf, 0, v->via.str.size) ? -1 : 1;
}

int rpc_decode_request(const void *buf, size_t len, rpc_request_in *in) {
    memset(in, 0, sizeof *in);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    int rc = -1;
    if (msgpack_unpack_next(&u, buf, len, &off) != MSGPACK_UNPACK_SUCCESS ||
        u.data.type != MSGPACK_OBJECT_MAP)
        goto done;
    for (uint32_t i = 0; i < u.data.via.map.size; i++) {
        const msgpack_object *k = &u.data.via.map.ptr[i].key, *v = &u.data.via.map.ptr[i].val;
        int r = 0;
        if (key_is(k, "m")) r = copy_str(v, in->method, sizeof in->method);
        else if (key_is(k, "rid")) r = copy_str(v, in->rid, sizeof in->rid);
        else if (key_is(k, "uid")) r = in->has_uid = copy_str(v, in->uid, sizeof in->uid);
        else if (key_is(k, "role")) r = in->has_role = copy_str(v, in->role, sizeof in->role);
        else if (key_is(k, "ip")) r = in->has_ip = copy_str(v, in->ip, sizeof in->ip);
        else if (key_is(k, "cid") && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) in->cid = v->via.u64;
        else if (key_is(k, "a") && v->type == MSGPACK_OBJECT_MAP) {
            in->args = mp_to_json(v);
            if (!in->args) r = -1;
        }
        if (r < 0) goto done;
    }
    if (!in->method[0]) goto done;
    if (!in->args) in->args = json_object();
    rc = in->args ? 0 : -1;
done:
    if (rc && in->args) { json_decref(in->args); in->args = NULL; }
    msgpack_unpacked_destroy(&u);
    return rc;
}

int rpc_encode_reply(msgpack_sbuffer *sb, int status, const json_t *body) {
    msgpack_sbuffer_init(sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, body ? 2 : 1);
    pack_str(&pk, "st");
    msgpack_pack_int(&pk, status);
    if (body) {
        pack_str(&pk, "b");
        if (mp_pack_json(&pk, body)) { msgpack_sbuffer_destroy(sb); return -1; }
    }
    return 0;
}

int rpc_decode_reply(const void *buf, size_t len, int *status, json_t **body) {
    *body = NULL;
    *status = 0;
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    int rc = -1;
    if (msgpack_unpack_next(&u, buf, len, &off) == MSGPACK_UNPACK_SUCCESS &&
        u.data.type == MSGPACK_OBJECT_MAP) {
        for (uint32_t i = 0; i < u.data.via.map.size; i++) {
            const msgpack_object *k = &u.data.via.map.ptr[i].key, *v = &u.data.via.map.ptr[i].val;
            if (key_is(k, "st") && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) *status = (int)v->via.u64;
            else if (key_is(k, "b")) *body = mp_to_json(v);
        }
        rc = *status >= 100 && *status < 600 ? 0 : -1;
    }
    if (rc && *body) { json_decref(*body); *body = NULL; }
    msgpack_unpacked_destroy(&u);
    return rc;
}

int rpc_reply_view(const void *buf, size_t len, msgpack_unpacked *u, int *status,
                   const msgpack_object **body) {
    *status = 0;
    *body = NULL;
    msgpack_unpacked_init(u);
    size_t off = 0;
    if (msgpack_unpack_next(u, buf, len, &off) != MSGPACK_UNPACK_SUCCESS ||
        u->data.type != MSGPACK_OBJECT_MAP)
        return -1;
    for (uint32_t i = 0; i < u->data.via.map.size; i++) {
        const msgpack_object *k = &u->data.via.map.ptr[i].key, *v = &u->data.via.map.ptr[i].val;
        if (key_is(k, "st") && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) *status = (int)v->via.u64;
        else if (key_is(k, "b")) *body = v;
    }
    return *status >= 100 && *status < 600 ? 0 : -1;
}

uint64_t rpc_random_u64(void) {
    uint64_t v = 0;
    while (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) {}
    return v;
}
