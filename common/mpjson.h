/* msgpack <-> jansson conversion. JSON is the in-memory value tree of every process;
 * msgpack is the wire format between processes.
 * msgpack bin is mapped to a jansson string created with json_stringn_nocheck (bytes kept,
 * length from json_string_length); floats stay reals, ints stay integers. */
#ifndef WH_MPJSON_H
#define WH_MPJSON_H
#include <jansson.h>
#include <msgpack.h>
int mp_pack_json(msgpack_packer *pk, const json_t *v);          /* 0 ok, -1 unsupported/deep */
json_t *mp_to_json(const msgpack_object *o);                    /* new ref or NULL (too deep) */
/* Whole-buffer helpers. mp_encode returns 0 and fills sbuf (caller msgpack_sbuffer_destroy). */
int mp_encode(const json_t *v, msgpack_sbuffer *sbuf);
json_t *mp_decode(const void *buf, size_t len);                 /* NULL on malformed input */
/* msgpack value -> compact JSON text (malloc'd, NUL-terminated) without a tree, as
 * json_dumps(JSON_COMPACT|JSON_ENCODE_ANY) would write it. -1 on NaN/inf, depth, non-string
 * keys. Strings are copied byte for byte (the services produce valid UTF-8). */
int mp_write_json(const msgpack_object *v, char **text, size_t *len);
#endif
