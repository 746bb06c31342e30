/* Runs every registered TEST, or those whose name contains argv[1]. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ut.h"

#define UT_MAX 1024
static struct { const char *name; ut_fn fn; } tests[UT_MAX];
static int ntests;

void ut_register(const char *name, ut_fn fn) {
    if (ntests < UT_MAX) { tests[ntests].name = name; tests[ntests].fn = fn; ntests++; }
}

int main(int argc, char **argv) {
    int passed = 0, failed = 0;
    alarm(300);   /* a test that hangs ends the run with SIGALRM instead of holding CI */
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1])) continue;
        int f = 0;
        tests[i].fn(&f);
        if (f) { failed++; fprintf(stderr, "FAIL %s\n", tests[i].name); }
        else passed++;
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
