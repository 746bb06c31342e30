/* msgpack value -> JSON text in one pass, without building a tree: the gateway's reply path.
 * Output matches json_dumps(JSON_COMPACT | JSON_ENCODE_ANY) of the same value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mpjson.h"

#define MAX_DEPTH 64

typedef struct { char *buf; size_t len, cap; int oom; } out_buf;

static void put(out_buf *o, const char *s, size_t n) {
    if (o->oom) return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 4096;
        while (cap < o->len + n + 1) cap *= 2;
        char *grown = realloc(o->buf, cap);
        if (!grown) { o->oom = 1; return; }
        o->buf = grown;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void put_string(out_buf *o, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    put(o, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        put(o, s + start, i - start);
        char esc[7] = {'\\', 0};
        size_t el = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u'; esc[2] = '0'; esc[3] = '0'; esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
            el = 6;
        }
        put(o, esc, el);
        start = i + 1;
    }
    put(o, s + start, n - start);
    put(o, "\"", 1);
}

static int write_value(out_buf *o, const msgpack_object *v, int depth) {
    char num[40];
    int n;
    if (depth > MAX_DEPTH) return -1;
    switch (v->type) {
    case MSGPACK_OBJECT_NIL: put(o, "null", 4); return 0;
    case MSGPACK_OBJECT_BOOLEAN: v->via.boolean ? put(o, "true", 4) : put(o, "false", 5); return 0;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        n = snprintf(num, sizeof num, "%llu", (unsigned long long)v->via.u64);
        put(o, num, (size_t)n);
        return 0;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        n = snprintf(num, sizeof num, "%lld", (long long)v->via.i64);
        put(o, num, (size_t)n);
        return 0;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: {
        double d = v->via.f64;
        if (d != d || d - d != 0) return -1;            /* NaN/inf have no JSON form */
        n = snprintf(num, sizeof num, "%.17g", d);
        /* as jansson writes reals: no '+' nor leading zeros in the exponent, ".0" if integral */
        char *e = strchr(num, 'e');
        if (e) {
            char *src = e + 1, *dst = e + 1;
            if (*src == '-') *dst++ = *src++;
            else if (*src == '+') src++;
            while (*src == '0' && src[1]) src++;
            memmove(dst, src, strlen(src) + 1);
            n = (int)strlen(num);
        }
        put(o, num, (size_t)n);
        if (!strpbrk(num, ".eE")) put(o, ".0", 2);
        return 0;
    }
    case MSGPACK_OBJECT_STR: put_string(o, v->via.str.ptr, v->via.str.size); return 0;
    case MSGPACK_OBJECT_BIN: put_string(o, v->via.bin.ptr, v->via.bin.size); return 0;
    case MSGPACK_OBJECT_ARRAY:
        put(o, "[", 1);
        for (uint32_t i = 0; i < v->via.array.size; i++) {
            if (i) put(o, ",", 1);
            if (write_value(o, &v->via.array.ptr[i], depth + 1)) return -1;
        }
        put(o, "]", 1);
        return 0;
    case MSGPACK_OBJECT_MAP:
        put(o, "{", 1);
        for (uint32_t i = 0; i < v->via.map.size; i++) {
            const msgpack_object_kv *kv = &v->via.map.ptr[i];
            if (kv->key.type != MSGPACK_OBJECT_STR) return -1;
            if (i) put(o, ",", 1);
            put_string(o, kv->key.via.str.ptr, kv->key.via.str.size);
            put(o, ":", 1);
            if (write_value(o, &kv->val, depth + 1)) return -1;
        }
        put(o, "}", 1);
        return 0;
    default: return -1;
    }
}

int mp_write_json(const msgpack_object *v, char **text, size_t *len) {
    out_buf o = {0};
    if (write_value(&o, v, 0) || o.oom) { free(o.buf); return -1; }
    put(&o, "", 0);
    if (o.oom || !o.buf) { free(o.buf); return -1; }
    o.buf[o.len] = 0;
    *text = o.buf;
    *len = o.len;
    return 0;
}
