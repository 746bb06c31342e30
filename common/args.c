#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "args.h"

int arg_int(const json_t *args, const char *key, int64_t *out) {
    const json_t *v = args ? json_object_get(args, key) : NULL;
    if (!v || json_is_null(v)) return 0;
    if (json_is_integer(v)) { *out = json_integer_value(v); return 1; }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (!*s) return 0;                     /* "space_id=" in a query is absent */
        const char *p = s + (*s == '-');
        if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 18) return -1;
        errno = 0;
        long long n = strtoll(s, NULL, 10);
        if (errno) return -1;
        *out = n;
        return 1;
    }
    return -1;
}

int arg_str(const json_t *args, const char *key, const char **out) {
    const json_t *v = args ? json_object_get(args, key) : NULL;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v)) return -1;
    *out = json_string_value(v);
    return 1;
}

int arg_bool(const json_t *args, const char *key, int *out) {
    const json_t *v = args ? json_object_get(args, key) : NULL;
    if (!v || json_is_null(v)) return 0;
    if (json_is_boolean(v)) { *out = json_is_true(v); return 1; }
    if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        *out = (int)json_integer_value(v);
        return 1;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (!strcmp(s, "true") || !strcmp(s, "1")) { *out = 1; return 1; }
        if (!strcmp(s, "false") || !strcmp(s, "0")) { *out = 0; return 1; }
    }
    return -1;
}

const char *json_str_or_null(const json_t *v) {
    return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *json_string_or_null(const char *s) {
    json_t *v = s ? json_string(s) : NULL;
    return v ? v : json_null();
}

long utf8_len(const char *s) {
    long n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        if (!len) return -1;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80) return -1;
        p += len;
        n++;
    }
    return n;
}

int is_six_ascii_digits(const char *s) {
    if (!s) return 0;
    for (int i = 0; i < 6; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return s[6] == 0;
}
