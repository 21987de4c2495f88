/* Shared by the fuzz targets: the libFuzzer entry point every target defines
 * and a check that aborts (a crash to libFuzzer and to the corpus replay)
 * when a documented property of the code under test does not hold. */
#ifndef PR_FUZZ_H
#define PR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PR_FUZZ_CHECK(cond, what)                                                            \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "%s:%d: fuzz property violated: %s\n", __FILE__, __LINE__, what); \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

#endif
