/* Benchmark of resampling: 1,000,000 one-minute bars (about 694 days) to 1h,
 * 4h and 1d on the 24x7 calendar, and to 1h on the forex calendar (which
 * checks every bar against the calendar). Prints the best of several runs in
 * milliseconds; never fails on timing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "proratio/core.h"
#include "proratio/data/resample.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static double bench(const pr_series *in, pr_timeframe to, pr_calendar cal, size_t *out_len) {
    pr_series out = {0};
    pr_resample_report rep = {0};
    pr_resample_options o = {to, PR_TIME_NONE, cal, 0};
    double best = 1e18;
    for (int run = 0; run < 7; run++) {
        pr_err e;
        double t0 = now_ms();
        if (pr_resample_ex(in, &o, &out, &rep, &e)) fprintf(stderr, "resample failed: %s\n", e.msg);
        double dt = now_ms() - t0;
        if (dt < best) best = dt;
    }
    *out_len = out.len;
    pr_series_free(&out);
    pr_resample_report_free(&rep);
    return best;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    pr_series in;
    if (pr_series_init(&in, n)) return 0;
    pr_rng rng;
    pr_rng_seed(&rng, 7);
    double price = 100;
    for (size_t i = 0; i < n; i++) {
        double o = price, c = o * (1 + 0.001 * pr_rng_normal(&rng));
        double h = (o > c ? o : c) * 1.0002, l = (o < c ? o : c) * 0.9998;
        pr_series_push(&in, INT64_C(1640995200000) + (int64_t)i * PR_MS_PER_MIN, o, h, l, c, 10);
        price = c;
    }
    in.tf = PR_TF_1M;
    size_t len;
    double ms = bench(&in, PR_TF_1H, PR_CAL_24X7, &len);
    printf("data_resample: %zu 1m bars -> %zu 1h bars in %.2f ms (24x7)\n", n, len, ms);
    ms = bench(&in, PR_TF_4H, PR_CAL_24X7, &len);
    printf("data_resample: %zu 1m bars -> %zu 4h bars in %.2f ms (24x7)\n", n, len, ms);
    ms = bench(&in, PR_TF_1D, PR_CAL_24X7, &len);
    printf("data_resample: %zu 1m bars -> %zu 1d bars in %.2f ms (24x7)\n", n, len, ms);
    ms = bench(&in, PR_TF_1H, PR_CAL_FOREX, &len);
    printf("data_resample: %zu 1m bars -> %zu 1h bars in %.2f ms (forex calendar)\n", n, len, ms);
    pr_series_free(&in);
    return 0;
}
