/* The route table, compiled from proto/routes.def. */
#include <string.h>
#include <stdlib.h>
#include "gw_internal.h"

#define PUBLIC GW_AUTH_PUBLIC
#define USER GW_AUTH_USER
#define MEMBER GW_AUTH_MEMBER
#define SPACE SVC_SPACE
#define CHAT SVC_CHAT
#define NOTES SVC_NOTES
#define WALLET SVC_WALLET
#define STORAGE SVC_STORAGE
#define ROUTE(m, p, s, r, a, k) {#m, p, s, r, a, k},
static const gw_route routes[] = {
#include "../proto/routes.def"
};
#undef ROUTE

int gw_route_count(void) { return (int)(sizeof routes / sizeof routes[0]); }
const gw_route *gw_route_at(int i) { return &routes[i]; }

const char *gw_service_name(gw_service s) {
    static const char *names[SVC_COUNT] = {"space", "chat", "notes", "wallet", "storage"};
    return s < SVC_COUNT ? names[s] : "?";
}

/* Walks pattern and path segment by segment; {name} captures a segment. */
static int path_matches(const char *pattern, const char *path, json_t *params) {
    while (*pattern && *path) {
        if (*pattern != '/' || *path != '/') return 0;
        pattern++, path++;
        size_t plen = strcspn(pattern, "/"), slen = strcspn(path, "/");
        if (plen > 2 && pattern[0] == '{' && pattern[plen - 1] == '}') {
            if (slen == 0 || slen > 64) return 0;
            if (params) {
                char name[32], value[72];
                snprintf(name, sizeof name, "%.*s", (int)(plen - 2), pattern + 1);
                snprintf(value, sizeof value, "%.*s", (int)slen, path);
                int digits = strspn(value, "0123456789") == slen && slen <= 18;
                json_t *v = digits ? json_integer(strtoll(value, NULL, 10)) : json_string(value);
                if (!v) return 0;
                json_object_set_new(params, name, v);
            }
        } else if (plen != slen || memcmp(pattern, path, plen)) {
            return 0;
        }
        pattern += plen, path += slen;
    }
    return *pattern == 0 && (*path == 0 || (path[0] == '/' && path[1] == 0));
}

const gw_route *gw_route_match(const char *method, const char *path, json_t *params, int *status) {
    *status = 404;
    for (int i = 0; i < gw_route_count(); i++) {
        if (!path_matches(routes[i].path, path, NULL)) continue;
        if (strcmp(routes[i].method, method)) { *status = 405; continue; }
        if (params) path_matches(routes[i].path, path, params);
        *status = 200;
        return &routes[i];
    }
    return NULL;
}
