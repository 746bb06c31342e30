/* Object keys: "<category>/<space_id>/<128-bit random hex>.<ext of the detected type>".
 * Nothing the client typed reaches a key, so there is nothing to traverse with. */
#include <ctype.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "storage.h"

static const char *const categories[] = {"messages", "notes", "avatars"};

int storage_category_valid(const char *category) {
    if (!category) return 0;
    for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
        if (strcmp(category, categories[i]) == 0) return 1;
    return 0;
}

int storage_random_hex(char out[33]) {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) return -1;
    for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", b[i]);
    return 0;
}

int storage_make_key(char *buf, size_t n, const char *category, int64_t space_id,
                     const char *hex, const char *ext) {
    if (!storage_category_valid(category) || space_id <= 0 || !hex || strlen(hex) != 32 ||
        !storage_type_for_ext(ext))
        return -1;
    int w = snprintf(buf, n, "%s/%lld/%s.%s", category, (long long)space_id, hex, ext);
    return w > 0 && (size_t)w < n ? 0 : -1;
}

int storage_key_parse(const char *key, int64_t *space_id, const storage_type **type) {
    char cat[16], ext[8];
    if (!key || strlen(key) > 80) return 0;
    const char *p = strchr(key, '/');
    if (!p || (size_t)(p - key) >= sizeof cat) return 0;
    memcpy(cat, key, p - key);
    cat[p - key] = 0;
    if (!storage_category_valid(cat)) return 0;
    p++;
    int64_t sid = 0;
    int digits = 0;
    while (isdigit((unsigned char)*p)) {
        if (digits++ > 17) return 0;
        sid = sid * 10 + (*p++ - '0');
    }
    if (!digits || sid <= 0 || *p++ != '/') return 0;
    for (int i = 0; i < 32; i++) {
        if (!isxdigit((unsigned char)p[i]) || isupper((unsigned char)p[i])) return 0;
    }
    p += 32;
    if (*p++ != '.' || strlen(p) >= sizeof ext) return 0;
    strcpy(ext, p);
    const storage_type *t = storage_type_for_ext(ext);
    if (!t) return 0;
    if (space_id) *space_id = sid;
    if (type) *type = t;
    return 1;
}
