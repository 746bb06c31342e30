/* Reading RPC arguments. The gateway forwards query strings as strings, so every numeric
 * reader also accepts a string of ASCII digits ("12" == 12). One rule, used everywhere. */
#ifndef WH_ARGS_H
#define WH_ARGS_H
#include <jansson.h>
#include <stdint.h>
/* Return 1 found+valid, 0 absent/null, -1 present but wrong type/format. */
int arg_int(const json_t *args, const char *key, int64_t *out);
int arg_str(const json_t *args, const char *key, const char **out);  /* strings only */
int arg_bool(const json_t *args, const char *key, int *out);        /* bool, 0/1, "true"/"false" */
/* Value of a JSON string or NULL (no ownership). */
const char *json_str_or_null(const json_t *v);
/* Convenience constructors that never leak on NULL input: json_str_or_nul(s) -> string or null. */
json_t *json_string_or_null(const char *s);
/* UTF-8 length in code points (for length limits). -1 if invalid UTF-8. */
long utf8_len(const char *s);
int is_six_ascii_digits(const char *s);
#endif
