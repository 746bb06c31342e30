/* svc-storage pure parts: keys, type decision from bytes, URLs, limits; and the gateway
 * upload module's key check and Range parsing. */
#include <stdlib.h>
#include <string.h>
#include "ut.h"
#include "../../svc-storage/storage.h"
#include "../../gateway/upload.h"

TEST(storage_random_hex_is_128_bits_and_unique) {
    char a[33], b[33];
    CHECK(storage_random_hex(a) == 0);
    CHECK(storage_random_hex(b) == 0);
    CHECK_EQ_INT(strlen(a), 32);
    CHECK(strspn(a, "0123456789abcdef") == 32);
    CHECK(strcmp(a, b) != 0);
}

TEST(storage_key_shape_and_parse) {
    char key[128];
    const char *hex = "0123456789abcdef0123456789abcdef";
    CHECK(storage_make_key(key, sizeof key, "messages", 64, hex, "jpg") == 0);
    CHECK_STR(key, "messages/64/0123456789abcdef0123456789abcdef.jpg");
    int64_t sid = 0;
    const storage_type *t = NULL;
    CHECK(storage_key_parse(key, &sid, &t) == 1);
    CHECK_EQ_INT(sid, 64);
    CHECK(t && strcmp(t->mime, "image/jpeg") == 0);
    /* client text never fits the shape */
    CHECK(storage_make_key(key, sizeof key, "../etc", 64, hex, "jpg") != 0);
    CHECK(storage_make_key(key, sizeof key, "messages", 0, hex, "jpg") != 0);
    CHECK(storage_make_key(key, sizeof key, "messages", 1, "abc", "jpg") != 0);
    CHECK(storage_make_key(key, sizeof key, "messages", 1, hex, "exe") != 0);
    CHECK(storage_make_key(key, 10, "messages", 1, hex, "jpg") != 0);
    CHECK(storage_key_parse("messages/64/../../etc/passwd", NULL, NULL) == 0);
    CHECK(storage_key_parse("messages/64/0123456789ABCDEF0123456789abcdef.jpg", NULL, NULL) == 0);
    CHECK(storage_key_parse("messages/64/0123456789abcdef0123456789abcdef.jpg/x", NULL, NULL) == 0);
    CHECK(storage_key_parse("other/64/0123456789abcdef0123456789abcdef.jpg", NULL, NULL) == 0);
    CHECK(storage_key_parse("notes/-1/0123456789abcdef0123456789abcdef.png", NULL, NULL) == 0);
    CHECK(storage_key_parse("avatars/7/0123456789abcdef0123456789abcdef.mp3", NULL, NULL) == 1);
    CHECK(storage_category_valid("notes") && !storage_category_valid("misc") &&
          !storage_category_valid(NULL));
}

TEST(storage_type_from_bytes_not_name) {
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                        'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};
    static const unsigned char jpg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1,
                                        0, 0, 1, 0, 1, 0, 0};
    char mime[128];
    CHECK(storage_detect_mime(png, sizeof png, mime, sizeof mime) == 0);
    CHECK_STR(mime, "image/png");
    const storage_type *t = storage_type_for_mime(mime);
    CHECK(t && strcmp(t->ext, "png") == 0 && t->is_image);
    CHECK(storage_detect_mime(jpg, sizeof jpg, mime, sizeof mime) == 0);
    CHECK_STR(mime, "image/jpeg");
    const char *text = "hello, I am a text file named x.jpg\n";
    CHECK(storage_detect_mime(text, strlen(text), mime, sizeof mime) == 0);
    CHECK(storage_type_for_mime(mime) == NULL);
    CHECK(storage_type_for_mime("text/html") == NULL);
    CHECK(storage_type_for_mime("image/svg+xml") == NULL);       /* script-capable: refused */
    CHECK(storage_type_for_mime("audio/x-wav") == storage_type_for_ext("wav"));
    CHECK(storage_type_for_mime("audio/x-m4a") == storage_type_for_ext("m4a"));
    CHECK(storage_type_for_mime("video/quicktime") == storage_type_for_ext("mov"));
}

TEST(storage_limits_default_and_env) {
    unsetenv("STORAGE_MAX_IMAGE_MB");
    unsetenv("STORAGE_MAX_MEDIA_MB");
    CHECK_EQ_INT(storage_limit_for(storage_type_for_ext("png")), 50LL * 1024 * 1024);
    CHECK_EQ_INT(storage_limit_for(storage_type_for_ext("mp4")), 100LL * 1024 * 1024);
    CHECK_EQ_INT(storage_limit_max(), 100LL * 1024 * 1024);
    setenv("STORAGE_MAX_IMAGE_MB", "2", 1);
    CHECK_EQ_INT(storage_limit_for(storage_type_for_ext("gif")), 2LL * 1024 * 1024);
    unsetenv("STORAGE_MAX_IMAGE_MB");
}

TEST(storage_url_building) {
    char url[256];
    const char *key = "notes/3/0123456789abcdef0123456789abcdef.webp";
    CHECK(storage_url_build(url, sizeof url, NULL, key) == 0);
    CHECK_STR(url, "/files/notes/3/0123456789abcdef0123456789abcdef.webp");
    CHECK(storage_url_build(url, sizeof url, "", key) == 0);
    CHECK_STR(url, "/files/notes/3/0123456789abcdef0123456789abcdef.webp");
    CHECK(storage_url_build(url, sizeof url, "https://cdn.example.com/b//", key) == 0);
    CHECK_STR(url, "https://cdn.example.com/b/notes/3/0123456789abcdef0123456789abcdef.webp");
    CHECK(storage_url_build(url, 12, NULL, key) != 0);
}

TEST(upload_range_parsing) {
    int64_t a = -1, b = -1;
    CHECK_EQ_INT(upload_parse_range(NULL, 100, &a, &b), 0);
    CHECK_EQ_INT(upload_parse_range("bytes=0-9", 100, &a, &b), 1);
    CHECK(a == 0 && b == 9);
    CHECK_EQ_INT(upload_parse_range("bytes=90-", 100, &a, &b), 1);
    CHECK(a == 90 && b == 99);
    CHECK_EQ_INT(upload_parse_range("bytes=-10", 100, &a, &b), 1);
    CHECK(a == 90 && b == 99);
    CHECK_EQ_INT(upload_parse_range("bytes=50-1000", 100, &a, &b), 1);
    CHECK(a == 50 && b == 99);
    CHECK_EQ_INT(upload_parse_range("bytes=100-", 100, &a, &b), -1);
    CHECK_EQ_INT(upload_parse_range("bytes=5-2", 100, &a, &b), 0);
    CHECK_EQ_INT(upload_parse_range("bytes=0-1,3-4", 100, &a, &b), 0);
    CHECK_EQ_INT(upload_parse_range("items=0-1", 100, &a, &b), 0);
}

TEST(upload_key_check_rejects_traversal) {
    CHECK(!upload_key_valid("../etc/passwd"));
    CHECK(!upload_key_valid("messages/1/..%2f..%2fetc"));
    CHECK(!upload_key_valid("messages/1/../../storage.db"));
    CHECK(!upload_key_valid("/etc/passwd"));
    CHECK(!upload_key_valid("messages/1/ABC.jpg"));
    CHECK(!upload_key_valid("storage.db"));
    CHECK(!upload_key_valid(""));
    CHECK(upload_key_valid("messages/1/0123456789abcdef0123456789abcdef.jpg"));
}

TEST(storage_s3_presign_matches_aws_example) {
    /* AWS SigV4 documentation, "Example: presigned URL" (GET examplebucket/test.txt). */
    storage_presign_in in = {"https://s3.amazonaws.com", "examplebucket", "test.txt", "us-east-1",
                             "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                             0, 86400, 1369353600LL /* 2013-05-24T00:00:00Z */};
    char url[2048];
    CHECK(storage_s3_presign(url, sizeof url, &in) == 0);
    CHECK(strstr(url, "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                      "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                      "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host") == url);
    CHECK(strstr(url, "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404") != NULL);
    in.path_style = 1;
    in.endpoint = "http://127.0.0.1:9000/";
    CHECK(storage_s3_presign(url, sizeof url, &in) == 0);
    CHECK(strncmp(url, "http://127.0.0.1:9000/examplebucket/test.txt?X-Amz-", 51) == 0);
    CHECK(storage_s3_presign(url, 40, &in) != 0);
    in.endpoint = "no-scheme";
    CHECK(storage_s3_presign(url, sizeof url, &in) != 0);
}
