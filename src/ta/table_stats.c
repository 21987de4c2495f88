/* Indicator table entries for the stats family (see ta.h, pr_ta_def): the
 * rolling mean and standard deviation. The rolling z-score is the extra
 * family's "zscore"; whole-sample statistics (ADF, cointegration, ...) are
 * not per-bar indicators and live only in the typed API and `proratio stats`. */
#include <stdlib.h>
#include "ta_internal.h"

static const double *real0_of(const pr_ta_input *in) { return in->real0 ? in->real0 : in->close; }

static int mean_lookback(const double *p, int *out) { return pr_ta_rolling_mean_lookback((int)p[0], out); }

static int mean_run(const pr_ta_input *in, const double *p, double *const *out) {
    const double *x = real0_of(in);
    if (in->n && !x) return PR_EINVAL;
    return pr_ta_rolling_mean(in->n, x, (int)p[0], out[0]);
}

static int std_lookback(const double *p, int *out) { return pr_ta_rolling_std_lookback((int)p[0], (int)p[1], out); }

static int std_run(const pr_ta_input *in, const double *p, double *const *out) {
    const double *x = real0_of(in);
    if (in->n && !x) return PR_EINVAL;
    return pr_ta_rolling_std(in->n, x, (int)p[0], (int)p[1], out[0]);
}

static int roll_new(int period, int ddof, void **state) {
    if (!state) return PR_EINVAL;
    pr_ta_rolling_state *s = malloc(sizeof *s);
    if (!s) return PR_ENOMEM;
    int rc = pr_ta_rolling_init(s, period, ddof);
    if (rc) {
        free(s);
        return rc;
    }
    *state = s;
    return PR_OK;
}

static int mean_new(const double *p, void **state) { return roll_new((int)p[0], 0, state); }
static int std_new(const double *p, void **state) {
    if ((int)p[0] < 2) return PR_EINVAL;
    return roll_new((int)p[0], (int)p[1], state);
}

static int mean_update(void *state, const pr_ta_bar *bar, double *out) {
    if (!bar || !out) return PR_EINVAL;
    return pr_ta_rolling_update(state, bar->real0, &out[0], NULL, NULL);
}

static int std_update(void *state, const pr_ta_bar *bar, double *out) {
    if (!bar || !out) return PR_EINVAL;
    return pr_ta_rolling_update(state, bar->real0, NULL, &out[0], NULL);
}

static void roll_free(void *state) {
    pr_ta_rolling_free(state);
    free(state);
}

const pr_ta_def pr_ta_defs_stats[] = {
    {.name = "rolling_mean",
     .group = "stats",
     .desc = "Rolling mean over period bars (same values as SMA; drift-free sliding update)",
     .talib = 0,
     .n_inputs = 1,
     .inputs = {"real0"},
     .n_params = 1,
     .params = {{"period", 20, 1, PR_TA_ROLLING_MAX_PERIOD, 1}},
     .n_outputs = 1,
     .outputs = {"mean"},
     .lookback = mean_lookback,
     .run = mean_run,
     .stream_new = mean_new,
     .stream_update = mean_update,
     .stream_free = roll_free},
    {.name = "rolling_std",
     .group = "stats",
     .desc = "Rolling standard deviation over period bars; ddof 1 = sample (default), 0 = population",
     .talib = 0,
     .n_inputs = 1,
     .inputs = {"real0"},
     .n_params = 2,
     .params = {{"period", 20, 2, PR_TA_ROLLING_MAX_PERIOD, 1}, {"ddof", 1, 0, 1, 1}},
     .n_outputs = 1,
     .outputs = {"std"},
     .lookback = std_lookback,
     .run = std_run,
     .stream_new = std_new,
     .stream_update = std_update,
     .stream_free = roll_free},
};
const size_t pr_ta_defs_stats_count = sizeof pr_ta_defs_stats / sizeof pr_ta_defs_stats[0];
