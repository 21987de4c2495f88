/* TA-Lib compatibility over the indicator table (proratio/ta/talib.h):
 * TA-Lib's names of the TA-Lib rows, and TA-Lib's unstable period as a
 * per-call argument of the generic run and stream. */
#include <ctype.h>
#include <string.h>
#include "ta_internal.h"

/* The 0.6.4 functions with a TA_FUNC_UNST_* setting, by table name. */
static const char *const k_unstable[] = {
    "adx", "adxr", "atr", "cmo", "dx", "ema", "ht_dcperiod", "ht_dcphase", "ht_phasor", "ht_sine",
    "ht_trendline", "ht_trendmode", "imi", "kama", "mama", "mfi", "minus_di", "minus_dm", "natr",
    "plus_di", "plus_dm", "rsi", "stochrsi", "t3", NULL};

int pr_ta_talib_name(const pr_ta_def *d, char *buf, size_t cap) {
    if (!d || !buf) return PR_EINVAL;
    if (!d->talib) return PR_ENOTFOUND;
    size_t n = strlen(d->name);
    if (n + 1 > cap) return PR_EINVAL;
    for (size_t i = 0; i <= n; i++) buf[i] = (char)toupper((unsigned char)d->name[i]);
    return PR_OK;
}

int pr_ta_has_unstable(const pr_ta_def *d) {
    if (!d || !d->talib) return 0;
    for (size_t i = 0; k_unstable[i]; i++)
        if (strcmp(k_unstable[i], d->name) == 0) return 1;
    return 0;
}

int pr_ta_lookback_unstable(const pr_ta_def *d, const double *params, int unstable, int *out) {
    if (!d || !out || !d->lookback || unstable < 0 || unstable > PR_TA_UNSTABLE_MAX) return PR_EINVAL;
    if (unstable > 0 && !pr_ta_has_unstable(d)) return PR_EINVAL;
    int lb;
    int rc = d->lookback(params, &lb);
    if (rc != PR_OK) return rc;
    *out = lb + unstable;
    return PR_OK;
}

/* in shifted by `by` bars (every array that is set). */
static pr_ta_input shifted(const pr_ta_input *in, size_t by) {
    pr_ta_input s = *in;
    s.n = in->n - by;
#define SHIFT_(f) if (s.f) s.f += by
    SHIFT_(ts);
    SHIFT_(open);
    SHIFT_(high);
    SHIFT_(low);
    SHIFT_(close);
    SHIFT_(volume);
    SHIFT_(real0);
    SHIFT_(real1);
#undef SHIFT_
    return s;
}

int pr_ta_run_from(const pr_ta_def *d, const pr_ta_input *in, const double *params, int unstable, size_t start,
                   double *const *out) {
    if (!in || !out) return PR_EINVAL;
    int lb;
    int rc = pr_ta_lookback_unstable(d, params, unstable, &lb);
    if (rc != PR_OK) return rc;
    for (int k = 0; k < d->n_outputs; k++)
        if (!out[k]) return PR_EINVAL;
    size_t first = start > (size_t)lb ? start : (size_t)lb;
    if (first > in->n) first = in->n;
    size_t begin = start > (size_t)lb ? start - (size_t)lb : 0;
    if (begin < in->n) {
        pr_ta_input sub = shifted(in, begin);
        double *o[PR_TA_MAX_OUTPUTS];
        for (int k = 0; k < d->n_outputs; k++) o[k] = out[k] + begin;
        rc = d->run(&sub, params, o);
        if (rc != PR_OK) return rc;
    }
    /* With neither an unstable period nor a later start this is the plain
     * run, cell for cell (nothing re-blanked). */
    if (unstable > 0 || start > 0)
        for (int k = 0; k < d->n_outputs; k++) pr_ta_fill_nan(out[k], first);
    return PR_OK;
}

int pr_ta_unstable_stream_new(const pr_ta_def *d, const double *params, int unstable, pr_ta_unstable_stream *s) {
    if (!s) return PR_EINVAL;
    int lb;
    int rc = pr_ta_lookback_unstable(d, params, unstable, &lb);
    if (rc != PR_OK) return rc;
    memset(s, 0, sizeof *s);
    rc = d->stream_new(params, &s->state);
    if (rc != PR_OK) return rc;
    s->def = d;
    s->first = (size_t)lb;
    return PR_OK;
}

int pr_ta_unstable_stream_update(pr_ta_unstable_stream *s, const pr_ta_bar *bar, double *out) {
    if (!s || !s->def || !bar || !out) return PR_EINVAL;
    int rc = s->def->stream_update(s->state, bar, out);
    if (rc != PR_OK) return rc;
    if (s->count++ < s->first) pr_ta_fill_nan(out, (size_t)s->def->n_outputs);
    return PR_OK;
}

void pr_ta_unstable_stream_free(pr_ta_unstable_stream *s) {
    if (!s || !s->def) return;
    s->def->stream_free(s->state);
    memset(s, 0, sizeof *s);
}
