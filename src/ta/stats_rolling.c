/* Rolling mean, standard deviation and z-score over a fixed window, batch
 * and streaming from one update routine so both give bit-identical values.
 * Numerics (see stats.h): sliding Welford add-one/remove-one updates, an
 * exact corrected two-pass recomputation every `period` bars to bound drift,
 * and exact values for windows of equal inputs. */
#include <math.h>
#include <stdlib.h>
#include "stats_internal.h"
#include "ta_internal.h"

int pr_ta_rolling_init(pr_ta_rolling_state *s, int period, int ddof) {
    if (!s || period < 1 || period > PR_TA_ROLLING_MAX_PERIOD || (ddof != 0 && ddof != 1)) return PR_EINVAL;
    s->buf = malloc(sizeof(double) * (size_t)period);
    if (!s->buf) return PR_ENOMEM;
    s->period = period;
    s->ddof = ddof;
    s->head = s->count = s->nonfinite = s->since_exact = s->run = 0;
    s->dirty = 0;
    s->mean = s->m2 = 0.0;
    return PR_OK;
}

void pr_ta_rolling_free(pr_ta_rolling_state *s) {
    if (!s) return;
    free(s->buf);
    s->buf = NULL;
}

/* Mean and squared deviations of the window, oldest first, with the
 * correction term of the corrected two-pass algorithm (Chan, Golub & LeVeque). */
static void exact_pass(pr_ta_rolling_state *s) {
    size_t p = (size_t)s->period;
    double sum = 0.0;
    for (size_t k = 0; k < p; k++) sum += s->buf[(s->head + k) % p];
    double mean = sum / (double)p, dev = 0.0, m2 = 0.0;
    for (size_t k = 0; k < p; k++) {
        double e = s->buf[(s->head + k) % p] - mean;
        dev += e;
        m2 += e * e;
    }
    s->mean = mean + dev / (double)p;
    s->m2 = m2 - dev * dev / (double)p;
    if (s->m2 < 0.0) s->m2 = 0.0;
}

int pr_ta_rolling_update(pr_ta_rolling_state *s, double x, double *mean, double *std, double *z) {
    if (!s || !s->buf) return PR_EINVAL;
    size_t p = (size_t)s->period;
    int had_full = s->count == p;
    double prev = s->count ? s->buf[(s->head + p - 1) % p] : 0.0;
    double old = s->buf[s->head]; /* meaningful only when had_full */
    s->buf[s->head] = x;
    s->head = (s->head + 1) % p;
    if (had_full && !isfinite(old)) s->nonfinite--;
    if (!isfinite(x)) s->nonfinite++;
    s->run = s->count && x == prev ? s->run + 1 : 1;
    if (!had_full) s->count++;

    double m = NAN, sd = NAN, zz = NAN;
    if (s->count == p && s->nonfinite) {
        s->dirty = 1;
    } else if (s->count == p) {
        if (s->run >= p) {
            s->mean = x;
            s->m2 = 0.0;
            s->since_exact = 0;
            s->dirty = 0;
        } else if (!had_full || s->dirty || s->since_exact + 1 >= p) {
            exact_pass(s);
            s->since_exact = 0;
            s->dirty = 0;
        } else {
            double nm = s->mean + (x - old) / (double)p;
            s->m2 += (x - old) * ((x - nm) + (old - s->mean));
            if (s->m2 < 0.0) s->m2 = 0.0;
            s->mean = nm;
            s->since_exact++;
        }
        m = s->mean;
        if (s->period > s->ddof && s->period >= 2) {
            sd = sqrt(s->m2 / (double)(s->period - s->ddof));
            zz = sd > 0.0 ? (x - m) / sd : 0.0;
        }
    }
    if (mean) *mean = m;
    if (std) *std = sd;
    if (z) *z = zz;
    return PR_OK;
}

int pr_ta_rolling(size_t n, const double *in, int period, int ddof, double *out_mean, double *out_std,
                  double *out_z) {
    int ok = period >= 1 && period <= PR_TA_ROLLING_MAX_PERIOD && (ddof == 0 || ddof == 1) &&
             !((out_std || out_z) && period < 2);
    PR_TA_PROLOGUE(ok, n, in);
    pr_ta_rolling_state s;
    int rc = pr_ta_rolling_init(&s, period, ddof);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        double m, sd, z;
        pr_ta_rolling_update(&s, in[i], &m, &sd, &z);
        if (out_mean) out_mean[i] = m;
        if (out_std) out_std[i] = sd;
        if (out_z) out_z[i] = z;
    }
    pr_ta_rolling_free(&s);
    return PR_OK;
}

/* ---- the two single-output indicators ---- */

int pr_ta_rolling_mean_lookback(int period, int *out) {
    if (!out || period < 1 || period > PR_TA_ROLLING_MAX_PERIOD) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_rolling_mean(size_t n, const double *in, int period, double *out) {
    if (period < 1 || period > PR_TA_ROLLING_MAX_PERIOD || (n && !out)) return PR_EINVAL;
    return pr_ta_rolling(n, in, period, 0, out, NULL, NULL);
}

int pr_ta_rolling_std_lookback(int period, int ddof, int *out) {
    if (!out || period < 2 || period > PR_TA_ROLLING_MAX_PERIOD || (ddof != 0 && ddof != 1)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_rolling_std(size_t n, const double *in, int period, int ddof, double *out) {
    if (period < 2 || (n && !out)) return PR_EINVAL;
    return pr_ta_rolling(n, in, period, ddof, NULL, out, NULL);
}

/* The table's streaming forms: a pr_ta_rolling_state behind the opaque
 * state every listed indicator has. */
struct pr_ta_rolling_mean_impl { pr_ta_rolling_state r; };
struct pr_ta_rolling_std_impl { pr_ta_rolling_state r; };

/* Allocates *impl (of `size` bytes, a pr_ta_rolling_state first) and starts it. */
static int roll_open(void **impl, size_t size, int period, int ddof) {
    pr_ta_rolling_state *r = calloc(1, size);
    if (!r) return PR_ENOMEM;
    int rc = pr_ta_rolling_init(r, period, ddof);
    if (rc != PR_OK) {
        free(r);
        return rc;
    }
    *impl = r;
    return PR_OK;
}

static void roll_close(void *impl) {
    pr_ta_rolling_free(impl);
    free(impl);
}

int pr_ta_rolling_mean_init(pr_ta_rolling_mean_state *s, int period) {
    if (!s) return PR_EINVAL;
    void *p = NULL;
    int rc = roll_open(&p, sizeof *s->p, period, 0);
    s->p = p;
    return rc;
}

int pr_ta_rolling_mean_update(pr_ta_rolling_mean_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    return pr_ta_rolling_update(&s->p->r, x, out, NULL, NULL);
}

void pr_ta_rolling_mean_free(pr_ta_rolling_mean_state *s) {
    if (!s) return;
    roll_close(s->p);
    s->p = NULL;
}

int pr_ta_rolling_std_init(pr_ta_rolling_std_state *s, int period, int ddof) {
    if (!s || period < 2) return PR_EINVAL;
    void *p = NULL;
    int rc = roll_open(&p, sizeof *s->p, period, ddof);
    s->p = p;
    return rc;
}

int pr_ta_rolling_std_update(pr_ta_rolling_std_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    return pr_ta_rolling_update(&s->p->r, x, NULL, out, NULL);
}

void pr_ta_rolling_std_free(pr_ta_rolling_std_state *s) {
    if (!s) return;
    roll_close(s->p);
    s->p = NULL;
}
