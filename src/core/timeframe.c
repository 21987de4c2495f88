/* Timeframes: names, nominal lengths, bar alignment (epoch-aligned up to a
 * day, weeks on Monday 00:00 UTC, months on the 1st 00:00 UTC) and inference
 * of a series' timeframe from its timestamps. */
#include <stdlib.h>
#include <string.h>

#include "proratio/core.h"

static const char *const k_names[PR_TF_COUNT] = {
    "", "1s", "5s", "10s", "15s", "30s", "1m", "2m", "3m", "4m", "5m", "10m", "15m", "30m",
    "1h", "2h", "3h", "4h", "6h", "8h", "12h", "1d", "1w", "1M"};

static const int64_t k_ms[PR_TF_COUNT] = {
    0,
    1 * PR_MS_PER_SEC, 5 * PR_MS_PER_SEC, 10 * PR_MS_PER_SEC, 15 * PR_MS_PER_SEC, 30 * PR_MS_PER_SEC,
    1 * PR_MS_PER_MIN, 2 * PR_MS_PER_MIN, 3 * PR_MS_PER_MIN, 4 * PR_MS_PER_MIN, 5 * PR_MS_PER_MIN,
    10 * PR_MS_PER_MIN, 15 * PR_MS_PER_MIN, 30 * PR_MS_PER_MIN,
    1 * PR_MS_PER_HOUR, 2 * PR_MS_PER_HOUR, 3 * PR_MS_PER_HOUR, 4 * PR_MS_PER_HOUR, 6 * PR_MS_PER_HOUR,
    8 * PR_MS_PER_HOUR, 12 * PR_MS_PER_HOUR,
    PR_MS_PER_DAY, 7 * PR_MS_PER_DAY, 30 * PR_MS_PER_DAY};

/* Monday 1969-12-29 00:00 UTC: 1970-01-01 was a Thursday, three days later. */
#define PR_WEEK_ORIGIN (-3 * PR_MS_PER_DAY)

static int valid(pr_timeframe tf) { return tf > PR_TF_NONE && tf < PR_TF_COUNT; }

int pr_tf_parse(const char *s, pr_timeframe *out) {
    if (!s || !out) return PR_EINVAL;
    /* "1M" (month) and "1m" (minute) differ only by case, so matching is
     * case-sensitive; the spellings below are common aliases. */
    for (int i = 1; i < PR_TF_COUNT; i++) {
        if (strcmp(s, k_names[i]) == 0) {
            *out = (pr_timeframe)i;
            return PR_OK;
        }
    }
    if (strcmp(s, "1mo") == 0 || strcmp(s, "1mon") == 0) { *out = PR_TF_1MO; return PR_OK; }
    if (strcmp(s, "1D") == 0) { *out = PR_TF_1D; return PR_OK; }
    if (strcmp(s, "1W") == 0) { *out = PR_TF_1W; return PR_OK; }
    if (strcmp(s, "1H") == 0) { *out = PR_TF_1H; return PR_OK; }
    if (strcmp(s, "4H") == 0) { *out = PR_TF_4H; return PR_OK; }
    return PR_EINVAL;
}

const char *pr_tf_name(pr_timeframe tf) { return valid(tf) ? k_names[tf] : "none"; }

int64_t pr_tf_ms(pr_timeframe tf) { return valid(tf) ? k_ms[tf] : 0; }

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t month_start(int64_t t, int add) {
    int y;
    unsigned m, d;
    pr_civil_from_days(floor_div(t, PR_MS_PER_DAY), &y, &m, &d);
    int mm = (int)m + add;
    while (mm > 12) { mm -= 12; y++; }
    return pr_days_from_civil(y, (unsigned)mm, 1) * PR_MS_PER_DAY;
}

int64_t pr_tf_floor(pr_timeframe tf, int64_t t) {
    if (!valid(tf) || t == PR_TIME_NONE) return t;
    if (tf == PR_TF_1MO) return month_start(t, 0);
    if (tf == PR_TF_1W) return PR_WEEK_ORIGIN + floor_div(t - PR_WEEK_ORIGIN, k_ms[tf]) * k_ms[tf];
    return floor_div(t, k_ms[tf]) * k_ms[tf];
}

int64_t pr_tf_next(pr_timeframe tf, int64_t open) {
    if (!valid(tf) || open == PR_TIME_NONE) return open;
    if (tf == PR_TF_1MO) return month_start(open, 1);
    return pr_tf_floor(tf, open) + k_ms[tf];
}

int64_t pr_tf_close(pr_timeframe tf, int64_t open) {
    return tf == PR_TF_1MO ? pr_tf_next(PR_TF_1MO, open) : open + pr_tf_ms(tf);
}

int pr_tf_divides(pr_timeframe lo, pr_timeframe hi) {
    if (!valid(lo) || !valid(hi)) return 0;
    if (lo == hi) return 1;
    /* Weeks never line up with months; anything longer never fits in shorter. */
    if (lo == PR_TF_1W || lo == PR_TF_1MO) return 0;
    /* lo <= 1d here, and every intraday length divides a day, so every lo bar
     * boundary is a day boundary for the weekly and monthly grids. */
    if (hi == PR_TF_1W || hi == PR_TF_1MO) return PR_MS_PER_DAY % k_ms[lo] == 0;
    return k_ms[hi] > k_ms[lo] && k_ms[hi] % k_ms[lo] == 0 && PR_MS_PER_DAY % k_ms[lo] == 0;
}

/* The timeframe a step belongs to, allowing 0.1% jitter (e.g. Binance funding
 * stamps a millisecond late) and 28..31 days for months; PR_TF_NONE if none. */
static pr_timeframe step_tf(int64_t step) {
    for (int i = 1; i < PR_TF_1MO; i++) {
        int64_t tol = k_ms[i] / 1000;
        if (step >= k_ms[i] - tol && step <= k_ms[i] + tol) return (pr_timeframe)i;
    }
    if (step >= 28 * PR_MS_PER_DAY - PR_MS_PER_HOUR && step <= 31 * PR_MS_PER_DAY + PR_MS_PER_HOUR)
        return PR_TF_1MO;
    return PR_TF_NONE;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int pr_tf_infer(const int64_t *ts, size_t n, pr_timeframe *out) {
    if (!ts || !out || n < 2) return PR_EINVAL;
    size_t count[PR_TF_COUNT] = {0};
    size_t other = 0, steps = 0;
    for (size_t i = 1; i < n; i++) {
        int64_t st = ts[i] - ts[i - 1];
        if (st <= 0) continue;
        steps++;
        pr_timeframe tf = step_tf(st);
        if (tf == PR_TF_NONE) other++;
        else count[tf]++;
    }
    if (steps == 0) return PR_EINVAL;
    int best = 0;
    for (int i = 1; i < PR_TF_COUNT; i++)
        if (count[i] > count[best]) best = i;
    /* Gaps (weekends, outages) are rarer than the bar step. When the known
     * step wins outright it is the mode; otherwise find the true mode of all
     * steps, which may be a step that is no supported timeframe. */
    if (best && count[best] >= other) {
        *out = (pr_timeframe)best;
        return PR_OK;
    }
    int64_t *d = malloc(steps * sizeof *d);
    if (!d) return PR_ENOMEM;
    size_t k = 0;
    for (size_t i = 1; i < n; i++)
        if (ts[i] > ts[i - 1]) d[k++] = ts[i] - ts[i - 1];
    qsort(d, k, sizeof *d, cmp_i64);
    size_t run = 0, best_run = 0;
    for (size_t i = 0; i < k; i++) {
        run = (i > 0 && d[i] == d[i - 1]) ? run + 1 : 1;
        if (run > best_run) best_run = run;
    }
    free(d);
    /* A mode inside a known bucket would make that bucket's count at least
     * best_run, so losing here means the commonest step is no timeframe. */
    if (!best || count[best] < best_run) return PR_EUNSUPPORTED;
    *out = (pr_timeframe)best;
    return PR_OK;
}
