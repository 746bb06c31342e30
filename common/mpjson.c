#include <string.h>
#include "mpjson.h"

#define MAX_DEPTH 64    /* hostile input cannot recurse us off the stack */

static int pack(msgpack_packer *pk, const json_t *v, int depth) {
    if (depth > MAX_DEPTH) return -1;
    switch (json_typeof(v)) {
    case JSON_NULL: return msgpack_pack_nil(pk);
    case JSON_TRUE: return msgpack_pack_true(pk);
    case JSON_FALSE: return msgpack_pack_false(pk);
    case JSON_INTEGER: return msgpack_pack_int64(pk, json_integer_value(v));
    case JSON_REAL: return msgpack_pack_double(pk, json_real_value(v));
    case JSON_STRING: {
        size_t n = json_string_length(v);
        if (msgpack_pack_str(pk, n)) return -1;
        return msgpack_pack_str_body(pk, json_string_value(v), n);
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        if (msgpack_pack_array(pk, n)) return -1;
        for (size_t i = 0; i < n; i++)
            if (pack(pk, json_array_get(v, i), depth + 1)) return -1;
        return 0;
    }
    case JSON_OBJECT: {
        if (msgpack_pack_map(pk, json_object_size(v))) return -1;
        const char *k;
        json_t *val;
        json_object_foreach((json_t *)v, k, val) {
            size_t kl = strlen(k);
            if (msgpack_pack_str(pk, kl) || msgpack_pack_str_body(pk, k, kl)) return -1;
            if (pack(pk, val, depth + 1)) return -1;
        }
        return 0;
    }
    }
    return -1;
}

int mp_pack_json(msgpack_packer *pk, const json_t *v) {
    return v ? pack(pk, v, 0) : msgpack_pack_nil(pk);
}

static json_t *conv(const msgpack_object *o, int depth) {
    if (depth > MAX_DEPTH) return NULL;
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: return json_null();
    case MSGPACK_OBJECT_BOOLEAN: return json_boolean(o->via.boolean);
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        if (o->via.u64 > (uint64_t)INT64_MAX) return json_real((double)o->via.u64);
        return json_integer((json_int_t)o->via.u64);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return json_integer(o->via.i64);
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: return json_real(o->via.f64);
    case MSGPACK_OBJECT_STR: {
        /* Valid UTF-8 becomes a normal string; anything else is kept byte-exact. */
        json_t *s = json_stringn(o->via.str.ptr, o->via.str.size);
        return s ? s : json_stringn_nocheck(o->via.str.ptr, o->via.str.size);
    }
    case MSGPACK_OBJECT_BIN: return json_stringn_nocheck(o->via.bin.ptr, o->via.bin.size);
    case MSGPACK_OBJECT_ARRAY: {
        json_t *a = json_array();
        for (uint32_t i = 0; a && i < o->via.array.size; i++) {
            json_t *e = conv(&o->via.array.ptr[i], depth + 1);
            if (!e || json_array_append_new(a, e)) { json_decref(a); return NULL; }
        }
        return a;
    }
    case MSGPACK_OBJECT_MAP: {
        json_t *m = json_object();
        for (uint32_t i = 0; m && i < o->via.map.size; i++) {
            const msgpack_object_kv *kv = &o->via.map.ptr[i];
            char key[256];
            if (kv->key.type != MSGPACK_OBJECT_STR || kv->key.via.str.size >= sizeof key) continue;
            memcpy(key, kv->key.via.str.ptr, kv->key.via.str.size);
            key[kv->key.via.str.size] = 0;
            if (memchr(key, 0, kv->key.via.str.size)) continue;
            json_t *val = conv(&kv->val, depth + 1);
            if (!val || json_object_set_new(m, key, val)) { json_decref(m); return NULL; }
        }
        return m;
    }
    default: return NULL;
    }
}

json_t *mp_to_json(const msgpack_object *o) { return conv(o, 0); }

int mp_encode(const json_t *v, msgpack_sbuffer *sbuf) {
    msgpack_sbuffer_init(sbuf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
    if (mp_pack_json(&pk, v)) { msgpack_sbuffer_destroy(sbuf); return -1; }
    return 0;
}

json_t *mp_decode(const void *buf, size_t len) {
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    json_t *r = NULL;
    if (msgpack_unpack_next(&u, buf, len, &off) == MSGPACK_UNPACK_SUCCESS && off == len)
        r = mp_to_json(&u.data);
    msgpack_unpacked_destroy(&u);
    return r;
}
