/* Wallet amounts: parse and format as integer fen; properties over every small value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ut.h"
#include "../../svc-wallet/wallet.h"

static const char *parse_text(const char *s, int64_t *fen) {
    json_t *v = json_string(s);
    const char *r = wallet_parse_amount(v, 100000000, fen);
    json_decref(v);
    return r;
}

TEST(wallet_every_small_amount_round_trips) {
    char text[32];
    int bad = 0;
    for (int64_t fen = 1; fen <= 100000; fen++) {
        int64_t back = -1;
        wallet_format(fen, text);
        if (parse_text(text, &back) || back != fen) bad++;
    }
    CHECK_EQ_INT(bad, 0);
    srand(7);
    for (int i = 0; i < 20000; i++) {
        int64_t fen = ((int64_t)rand() * 7919 + rand()) % 100000000 + 1, back = -1;
        wallet_format(fen, text);
        if (parse_text(text, &back) || back != fen) bad++;
    }
    CHECK_EQ_INT(bad, 0);
}

TEST(wallet_formats_two_decimals_and_signs) {
    char b[32];
    wallet_format(0, b);  CHECK_STR(b, "0.00");
    wallet_format(5, b);  CHECK_STR(b, "0.05");
    wallet_format(1250, b);  CHECK_STR(b, "12.50");
    wallet_format(-100, b);  CHECK_STR(b, "-1.00");
    wallet_format(1000000000000LL, b);  CHECK_STR(b, "10000000000.00");
}

TEST(wallet_rejects_malformed_amounts) {
    const char *bad[] = {"1.234", "1e2", "-1", "0", "0.00", "", "abc", " 1", "1 ", "1.", ".5", "+1",
                         "NaN", "inf", "0x10", "1,5", "1000000.01", "99999999999999", "１"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t fen = -1;
        if (!parse_text(bad[i], &fen)) { fprintf(stderr, "  accepted '%s'\n", bad[i]); *ut_failed = 1; }
    }
}

TEST(wallet_json_numbers) {
    int64_t fen = 0;
    json_t *v = json_integer(12);
    CHECK(!wallet_parse_amount(v, 100000000, &fen) && fen == 1200);
    json_decref(v);
    v = json_real(10.5);
    CHECK(!wallet_parse_amount(v, 100000000, &fen) && fen == 1050);
    json_decref(v);
    v = json_real(0.1 + 0.2);                 /* 0.30000000000000004: not two decimals */
    CHECK(wallet_parse_amount(v, 100000000, &fen) != NULL);
    json_decref(v);
    v = json_real(19.99);
    CHECK(!wallet_parse_amount(v, 100000000, &fen) && fen == 1999);
    json_decref(v);
    v = json_real(1.005);
    CHECK(wallet_parse_amount(v, 100000000, &fen) != NULL);
    json_decref(v);
    v = json_integer(0);
    CHECK(wallet_parse_amount(v, 100000000, &fen) != NULL);
    json_decref(v);
    v = json_integer(1000001);
    CHECK(wallet_parse_amount(v, 100000000, &fen) != NULL);
    json_decref(v);
    CHECK(wallet_parse_amount(json_true(), 100000000, &fen) != NULL);
    CHECK(wallet_parse_amount(NULL, 100000000, &fen) != NULL);
}

TEST(wallet_qr_png_is_a_png) {
    size_t len = 0;
    unsigned char *png = wallet_qr_png("wormhole-pay:0123456789abcdef0123456789abcdef", &len);
    CHECK(png != NULL && len > 100);
    if (png) CHECK(!memcmp(png, "\x89PNG\r\n\x1a\n", 8) && !memcmp(png + 12, "IHDR", 4));
    free(png);
}
