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

/* For a cmocka test that cannot run for want of something the suite needs
 * (the fake servers' /usr/bin/python3, ...): skipped on a developer's
 * machine, a failure under PR_CI=1 (scripts/test.sh in CI), where
 * scripts/install-deps.sh has installed everything and a skip would turn the
 * test into a silent pass. Not for data that lives outside the repository. */
#define PR_TEST_SKIP_MISSING(reason)                                                         \
    do {                                                                                     \
        const char *ci_ = getenv("PR_CI");                                                   \
        if (ci_ && strcmp(ci_, "1") == 0) fail_msg("%s (PR_CI=1: a test may not skip in CI)", reason); \
        print_message("SKIP: %s\n", reason);                                                  \
        skip();                                                                              \
    } while (0)

/* Creates a fresh scratch directory under $TMPDIR (or /tmp). */
static inline const char *pr_test_tmpdir(char *buf, size_t cap) {
    const char *t = getenv("TMPDIR");
    snprintf(buf, cap, "%s/prtest.XXXXXX", t ? t : "/tmp");
    return mkdtemp(buf);
}
#endif
