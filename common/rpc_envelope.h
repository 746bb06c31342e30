/* Encoding and decoding of RPC envelopes (see rpc.h for the fields). Internal to common. */
#ifndef WH_RPC_ENVELOPE_H
#define WH_RPC_ENVELOPE_H
#include <stdint.h>
#include <jansson.h>
#include <msgpack.h>
#include "rpc.h"

typedef struct rpc_request_in {
    char method[64], rid[80], uid[256], role[16], ip[64];
    int has_uid, has_role, has_ip;
    uint64_t cid;
    json_t *args;                    /* owned; always an object */
} rpc_request_in;

int rpc_encode_request(msgpack_sbuffer *sb, uint64_t cid, const char *method,
                       const rpc_meta *meta, const json_t *args);
/* 0 ok, -1 malformed. On success free with json_decref(in->args). */
int rpc_decode_request(const void *buf, size_t len, rpc_request_in *in);
/* body NULL = no "b" key ({} for HTTP); a JSON null body is encoded as nil. */
int rpc_encode_reply(msgpack_sbuffer *sb, int status, const json_t *body);
/* 0 ok; *body new ref or NULL when absent. */
int rpc_decode_reply(const void *buf, size_t len, int *status, json_t **body);
uint64_t rpc_random_u64(void);
/* Status and body of an encoded reply without copying (body points into u, which the caller
 * destroys; NULL when absent). 0 ok, -1 malformed. */
int rpc_reply_view(const void *buf, size_t len, msgpack_unpacked *u, int *status,
                   const msgpack_object **body);
#endif
