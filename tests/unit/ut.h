/* Minimal unit-test registry: TEST(name) { CHECK(...); } in any C file under tests/unit.
 * The runner (runner.c) prints one line per failure and closes with "N passed, N failed". */
#ifndef WH_UT_H
#define WH_UT_H
#include <stdio.h>
typedef void (*ut_fn)(int *failed);
void ut_register(const char *name, ut_fn fn);
#define TEST(name)                                                            \
    static void ut_##name(int *ut_failed);                                    \
    __attribute__((constructor)) static void ut_reg_##name(void) {            \
        ut_register(#name, ut_##name);                                        \
    }                                                                         \
    static void ut_##name(int *ut_failed)
#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            *ut_failed = 1;                                                   \
        }                                                                     \
    } while (0)
#define CHECK_EQ_INT(a, b)                                                    \
    do {                                                                      \
        long long ut_a = (long long)(a), ut_b = (long long)(b);               \
        if (ut_a != ut_b) {                                                   \
            fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, ut_a, ut_b); \
            *ut_failed = 1;                                                   \
        }                                                                     \
    } while (0)
#define CHECK_STR(a, b)                                                       \
    do {                                                                      \
        const char *ut_a = (a), *ut_b = (b);                                  \
        if (!ut_a || !ut_b || strcmp(ut_a, ut_b) != 0) {                      \
            fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
                    ut_a ? ut_a : "(null)", ut_b ? ut_b : "(null)");           \
            *ut_failed = 1;                                                   \
        }                                                                     \
    } while (0)
#endif
