/* Turning a request into RPC arguments: one normalising rule for keys, one identity rule. */
#include <ctype.h>
#include <string.h>
#include "gw_internal.h"

void gw_snake_case(const char *key, char *buf, size_t n) {
    size_t o = 0;
    for (const char *p = key; *p && o + 2 < n; p++) {
        if (isupper((unsigned char)*p)) {
            if (o > 0 && buf[o - 1] != '_') buf[o++] = '_';
            buf[o++] = (char)tolower((unsigned char)*p);
        } else {
            buf[o++] = *p;
        }
    }
    buf[o] = 0;
}

void gw_merge_normalised(json_t *dst, const json_t *src) {
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)src, k, v) {
        char key[128];
        gw_snake_case(k, key, sizeof key);
        json_object_set(dst, key, v);
    }
}

int gw_identity_fields_match(const json_t *obj, const char *uid) {
    static const char *fields[] = {"user_id", "operator_user_id", "auth_user", "openid",
                                   "userId", "operatorUserId"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const json_t *v = json_object_get(obj, fields[i]);
        if (!v || json_is_null(v)) continue;
        if (!json_is_string(v)) return -1;
        const char *s = json_string_value(v);
        if (*s && (!uid || strcmp(s, uid))) return -1;
    }
    return 0;
}
