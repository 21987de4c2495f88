/* Helpers shared by the unit tests: locating repository data and making
 * scratch directories. Include after <cmocka.h>'s prerequisites. */
#ifndef PR_TEST_H
#define PR_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Path of a file inside the repository (tests run with PR_SOURCE_DIR set by CTest). */
static inline const char *pr_test_path(const char *rel, char *buf, size_t cap) {
    const char *root = getenv("PR_SOURCE_DIR");
    snprintf(buf, cap, "%s/%s", root ? root : ".", rel);
    return buf;
}

/* Creates a fresh scratch directory under $TMPDIR (or /tmp). */
static inline const char *pr_test_tmpdir(char *buf, size_t cap) {
    const char *t = getenv("TMPDIR");
    snprintf(buf, cap, "%s/prtest.XXXXXX", t ? t : "/tmp");
    return mkdtemp(buf);
}
#endif
