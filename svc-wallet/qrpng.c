/* QR code as a PNG: libqrencode's module matrix, 8 px per module, 4-module quiet zone,
 * 8-bit grayscale, zlib for IDAT. */
#include <stdlib.h>
#include <string.h>
#include <qrencode.h>
#include <zlib.h>
#include "wallet.h"

#define SCALE 8
#define QUIET 4

static void put32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

/* Appends one chunk (length, type, data, crc) at *o. */
static void chunk(unsigned char *buf, size_t *o, const char type[4], const unsigned char *data, uint32_t n) {
    put32(buf + *o, n);
    memcpy(buf + *o + 4, type, 4);
    if (n) memcpy(buf + *o + 8, data, n);
    uLong crc = crc32(0L, buf + *o + 4, n + 4);
    put32(buf + *o + 8 + n, (uint32_t)crc);
    *o += 12 + n;
}

unsigned char *wallet_qr_png(const char *text, size_t *len) {
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) return NULL;
    uint32_t side = (uint32_t)(qr->width + 2 * QUIET) * SCALE;
    size_t row = 1 + side, raw_len = row * side;      /* filter byte + gray pixels */
    unsigned char *raw = malloc(raw_len);
    uLongf zlen = compressBound(raw_len);
    unsigned char *z = malloc(zlen);
    unsigned char *png = malloc(zlen + 64);
    if (!raw || !z || !png) goto fail;
    for (uint32_t y = 0; y < side; y++) {
        unsigned char *r = raw + y * row;
        r[0] = 0;
        for (uint32_t x = 0; x < side; x++) {
            int mx = (int)(x / SCALE) - QUIET, my = (int)(y / SCALE) - QUIET;
            int dark = mx >= 0 && my >= 0 && mx < qr->width && my < qr->width &&
                       (qr->data[my * qr->width + mx] & 1);
            r[1 + x] = dark ? 0 : 255;
        }
    }
    if (compress2(z, &zlen, raw, raw_len, 9) != Z_OK) goto fail;
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char ihdr[13];
    put32(ihdr, side);
    put32(ihdr + 4, side);
    ihdr[8] = 8; ihdr[9] = 0; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;   /* 8-bit gray */
    size_t o = 8;
    memcpy(png, sig, 8);
    chunk(png, &o, "IHDR", ihdr, 13);
    chunk(png, &o, "IDAT", z, (uint32_t)zlen);
    chunk(png, &o, "IEND", NULL, 0);
    *len = o;
    free(raw);
    free(z);
    QRcode_free(qr);
    return png;
fail:
    free(raw);
    free(z);
    free(png);
    QRcode_free(qr);
    return NULL;
}
