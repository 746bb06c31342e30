#include <stdlib.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include "bus.h"
#include "mpjson.h"
#include "log.h"
#include "sockclose.h"

struct bus_pub { nng_socket sock; };

bus_pub *bus_pub_open(const char *url) {
    bus_pub *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    int rv = nng_pub0_open(&p->sock);
    if (!rv) rv = nng_listen(p->sock, url, NULL, 0);
    if (rv) {
        LOG_ERROR(NULL, "publisher on %s: %s", url, nng_strerror(rv));
        nng_close(p->sock);
        free(p);
        return NULL;
    }
    return p;
}

int bus_publish(bus_pub *p, const json_t *event) {
    msgpack_sbuffer sb;
    if (!p || mp_encode(event, &sb)) return -1;
    int rv = nng_send(p->sock, sb.data, sb.size, 0);   /* copies; PUB never blocks */
    msgpack_sbuffer_destroy(&sb);
    /* best effort: bus subscribers catch up over RPC, gateways resume their sockets */
    if (rv) LOG_WARN(NULL, "publish: %s", nng_strerror(rv));
    return rv ? -1 : 0;
}

void bus_pub_close(bus_pub *p) {
    if (!p) return;
    sock_close(p->sock, "publisher");
    free(p);
}
