/* Benchmark of number output: pr_dtoa (the shortest text that reads back)
 * against snprintf "%.17g" (what the CSV writers used before) and the
 * importer's parser (pr_parse_double) on the same values: prices with two
 * decimals, computed values (products and quotients: 17 digits) and random
 * bit patterns. Prints CPU ns per number (process CPU time, steadier than
 * wall time on a shared machine) and the speed-up; never fails on timing.
 * Argument: [count] (default 2,000,000 per kind). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proratio/core.h"

static double cpu_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
    if (n == 0) n = 1;
    double *x = malloc(n * sizeof *x);
    char *text = malloc(n * PR_DTOA_MAX);
    if (!x || !text) return 1;
    pr_rng r;
    pr_rng_seed(&r, 42);
    const char *kinds[] = {"prices (2 decimals)", "computed (17 digits)", "random bit patterns"};
    for (int kind = 0; kind < 3; kind++) {
        for (size_t i = 0; i < n; i++) {
            double p = 20000 + 40000 * pr_rng_uniform(&r);
            if (kind == 0) x[i] = (double)(int64_t)(p * 100) / 100;
            else if (kind == 1) x[i] = p * 0.999 / 3.7;
            else {
                uint64_t b = pr_rng_next(&r) & ~(0x7FFull << 52); /* finite: exponent != 0x7FF */
                b |= (pr_rng_next(&r) % 0x7FF) << 52;
                memcpy(&x[i], &b, sizeof b);
            }
        }
        size_t sink = 0;
        double t0 = cpu_s();
        for (size_t i = 0; i < n; i++) sink += pr_dtoa(x[i], text + i * PR_DTOA_MAX);
        double t_dtoa = cpu_s() - t0;
        char buf[40];
        t0 = cpu_s();
        for (size_t i = 0; i < n; i++) sink += (size_t)snprintf(buf, sizeof buf, "%.17g", x[i]);
        double t_printf = cpu_s() - t0;
        double back = 0;
        t0 = cpu_s();
        for (size_t i = 0; i < n; i++) {
            const char *s = text + i * PR_DTOA_MAX;
            double v;
            if (pr_parse_double(s, strlen(s), &v) == PR_OK) back += v;
        }
        double t_parse = cpu_s() - t0;
        printf("%-22s pr_dtoa %6.1f ns  %%.17g %6.1f ns  (%.1fx faster)  parse %6.1f ns  [%zu %g]\n", kinds[kind],
               t_dtoa * 1e9 / (double)n, t_printf * 1e9 / (double)n, t_printf / t_dtoa, t_parse * 1e9 / (double)n,
               sink % 10, back > 0 ? 1.0 : 0.0);
    }
    free(x);
    free(text);
    return 0;
}
