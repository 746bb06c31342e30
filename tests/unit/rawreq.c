/* A bare nng REQ exchange with caller-chosen bytes (to replay an envelope as a resend). */
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <jansson.h>
#include "../../common/rpc_envelope.h"

int unit_raw_call(const char *url, const void *buf, size_t len, int *st, json_t **r);
int unit_raw_call(const char *url, const void *buf, size_t len, int *st, json_t **r) {
    nng_socket s;
    if (nng_req0_open(&s)) return -1;
    nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 3000);
    void *rep = NULL;
    size_t rlen = 0;
    int rc = -1;
    if (!nng_dial(s, url, NULL, 0) && !nng_send(s, (void *)buf, len, 0) &&
        !nng_recv(s, &rep, &rlen, NNG_FLAG_ALLOC)) {
        rc = rpc_decode_reply(rep, rlen, st, r);
        nng_free(rep, rlen);
    }
    nng_close(s);
    return rc;
}
