/* Amounts: text <-> integer fen. Never through floating-point arithmetic: a JSON real is
 * accepted only when printing it with two decimals and reading that back gives the very
 * same double (10.5 -> "10.50"), and then the decimal text is what gets parsed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wallet.h"
#include "../common/config.h"

int64_t wallet_max_movement_fen(void) {
    long long v = cfg_int("WALLET_MAX_MOVEMENT_FEN", 100000000);
    return v > 0 && v <= WALLET_BALANCE_CAP_FEN ? v : 100000000;
}

/* Strict decimal: digits, optionally '.' and one or two digits. No sign, space, exponent. */
static int parse_decimal(const char *s, int64_t *fen) {
    size_t int_len = strspn(s, "0123456789");
    if (int_len == 0 || int_len > 12) return -1;
    const char *frac = s + int_len;
    size_t frac_len = 0;
    if (*frac == '.') {
        frac++;
        frac_len = strspn(frac, "0123456789");
        if (frac_len == 0 || frac_len > 2 || frac[frac_len]) return -1;
    } else if (*frac) {
        return -1;
    }
    int64_t yuan = 0;
    for (size_t i = 0; i < int_len; i++) yuan = yuan * 10 + (s[i] - '0');
    int64_t cents = 0;
    for (size_t i = 0; i < 2; i++) cents = cents * 10 + (i < frac_len ? frac[i] - '0' : 0);
    *fen = yuan * 100 + cents;
    return 0;
}

const char *wallet_parse_amount(const json_t *v, int64_t max_fen, int64_t *fen) {
    char text[64];
    if (!v || json_is_null(v)) return "缺少金额";
    if (json_is_integer(v)) {
        json_int_t y = json_integer_value(v);
        if (y <= 0) return "金额必须大于0";
        if (y > max_fen / 100) return "金额超过单笔上限";
        *fen = (int64_t)y * 100;
        return NULL;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (!isfinite(d) || d <= 0) return "金额必须大于0";
        if (d > (double)max_fen / 100) return "金额超过单笔上限";
        snprintf(text, sizeof text, "%.2f", d);
        if (strtod(text, NULL) != d) return "金额最多两位小数";
    } else if (json_is_string(v)) {
        if (json_string_length(v) >= sizeof text) return "金额格式无效";
        snprintf(text, sizeof text, "%s", json_string_value(v));
    } else {
        return "金额格式无效";
    }
    int64_t f;
    if (parse_decimal(text, &f)) return "金额格式无效";
    if (f <= 0) return "金额必须大于0";
    if (f > max_fen) return "金额超过单笔上限";
    *fen = f;
    return NULL;
}

void wallet_format(int64_t fen, char buf[32]) {
    uint64_t a = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
    snprintf(buf, 32, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(a / 100),
             (unsigned long long)(a % 100));
}

json_t *wallet_money(int64_t fen) {
    char buf[32];
    wallet_format(fen, buf);
    return json_string(buf);
}
