/* Wallet amounts, more properties: text -> fen -> text is canonical, JSON reals of every
 * two-decimal value up to ¥1000 are exact, the per-movement limit is a sharp edge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ut.h"
#include "../../svc-wallet/wallet.h"

#define MAX_FEN 100000000

static const char *parse_json(json_t *v, int64_t *fen) {
    const char *r = wallet_parse_amount(v, MAX_FEN, fen);
    json_decref(v);
    return r;
}

/* "7.5" -> 750 -> "7.50"; "007.05" -> 705 -> "7.05": the formatter is the canonical form. */
TEST(wallet_text_fen_text_is_canonical) {
    char in[40], out[32];
    int bad = 0;
    for (int64_t fen = 1; fen <= 100000; fen++) {
        int64_t back = -1;
        if (fen % 10 == 0 && fen % 100) {              /* one decimal: "x.y" */
            snprintf(in, sizeof in, "%lld.%lld", (long long)(fen / 100), (long long)(fen % 100 / 10));
        } else if (fen % 100 == 0) {                   /* whole yuan: "x" */
            snprintf(in, sizeof in, "%lld", (long long)(fen / 100));
        } else {                                       /* "x.yz" */
            snprintf(in, sizeof in, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
        }
        if (parse_json(json_string(in), &back) || back != fen) { bad++; continue; }
        wallet_format(back, out);
        snprintf(in, sizeof in, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
        if (strcmp(in, out)) bad++;
    }
    CHECK_EQ_INT(bad, 0);
    int64_t fen = -1;
    CHECK(!parse_json(json_string("007.05"), &fen) && fen == 705);
}

/* What a client sends as a JSON number (parseFloat of "12.34") is the nearest double to
 * the decimal: every such value must come out as exactly that many fen. */
TEST(wallet_json_reals_of_two_decimals_are_exact) {
    int bad = 0;
    char text[32];
    for (int64_t fen = 1; fen <= 100000; fen++) {
        int64_t back = -1;
        snprintf(text, sizeof text, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
        if (parse_json(json_real(strtod(text, NULL)), &back) || back != fen) bad++;
    }
    CHECK_EQ_INT(bad, 0);
    srand(11);
    for (int i = 0; i < 20000; i++) {
        int64_t fen = ((int64_t)rand() * 7919 + rand()) % MAX_FEN + 1, back = -1;
        snprintf(text, sizeof text, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
        if (parse_json(json_real(strtod(text, NULL)), &back) || back != fen) bad++;
    }
    CHECK_EQ_INT(bad, 0);
}

TEST(wallet_rejects_sub_fen_reals_and_specials) {
    int64_t fen = -1;
    const double bad[] = {0.001, 1.234, 0.005, 1e-9, 1000000.01, 1e300, -0.0, -5.0, 0.0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(parse_json(json_real(bad[i]), &fen) != NULL);
    CHECK(parse_json(json_integer(-1), &fen) != NULL);
    CHECK(parse_json(json_integer(INT64_MAX), &fen) != NULL);
    CHECK(parse_json(json_array(), &fen) != NULL);
    CHECK(parse_json(json_null(), &fen) != NULL);
}

TEST(wallet_limit_is_a_sharp_edge) {
    int64_t fen = -1;
    CHECK(!parse_json(json_string("1000000.00"), &fen) && fen == MAX_FEN);
    CHECK(parse_json(json_string("1000000.01"), &fen) != NULL);
    CHECK(!parse_json(json_integer(1000000), &fen) && fen == MAX_FEN);
    CHECK(parse_json(json_integer(1000001), &fen) != NULL);
    CHECK(!parse_json(json_real(1000000.0), &fen) && fen == MAX_FEN);
    CHECK(!parse_json(json_string("0.01"), &fen) && fen == 1);
    const char *bad[] = {"00", "0.0", "0.001", "1.5.5", "1..5", "1.-5", "1.5e0", "١", "1\n",
                         "9999999999999.99", "-0.01", "Infinity", "1_000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(parse_json(json_string(bad[i]), &fen) != NULL);
    char b[32];
    wallet_format(INT64_MIN, b);
    CHECK_STR(b, "-92233720368547758.08");
    wallet_format(INT64_MAX, b);
    CHECK_STR(b, "92233720368547758.07");
}
