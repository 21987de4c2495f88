/* Parabolic SAR, batch and streaming, following TA-Lib's algorithm step by
 * step: the first direction comes from bar 1's -DM (short when > 0), the
 * SAR starts at bar 0's low (long) or high (short) with the extreme point at
 * bar 1's high (long) or low (short), and on the first bar the "previous"
 * high/low are bar 1's own. On a penetration the SAR is reset to the extreme
 * point (clamped beyond the previous and current bar), output, and the next
 * SAR is projected with the reset acceleration; otherwise the SAR is output,
 * the extreme point and acceleration advance on a new extreme, and the next
 * SAR is projected and clamped. NaN highs/lows make every later value NaN
 * (comparisons alone would skip them). */
#include "momentum_internal.h"

typedef struct sar_core {
    double acc, max;         /* acceleration step and cap (acc <= max) */
    int64_t t;               /* bars seen */
    int is_long, poisoned;
    double af, ep, sar;
    double ph, pl;           /* previous bar's high/low (bar 0 at start) */
    double new_h, new_l;     /* current bar's high/low */
} sar_core;

static void sar_core_init(sar_core *c, double acc, double max) {
    memset(c, 0, sizeof *c);
    if (acc > max) acc = max;
    c->acc = acc;
    c->max = max;
    c->af = acc;
}

static double sar_core_step(sar_core *c, double h, double l) {
    int64_t t = c->t++;
    if (h != h || l != l) c->poisoned = 1;
    if (t == 0) {
        c->ph = h;
        c->pl = l;
        return NAN;
    }
    if (t == 1) {
        /* direction from MINUS_DM(1) of bar 1 */
        double up = h - c->ph, down = c->pl - l;
        double mdm = (down > 0 && up < down) ? down : 0.0;
        c->is_long = !(mdm > 0);
        if (c->is_long) {
            c->ep = h;
            c->sar = c->pl;
        } else {
            c->ep = l;
            c->sar = c->ph;
        }
        /* TA-Lib seeds the "new" bar with bar 1 itself */
        c->new_h = h;
        c->new_l = l;
    }
    double prev_l = c->new_l, prev_h = c->new_h;
    double nl = l, nh = h;
    c->new_l = nl;
    c->new_h = nh;
    double out;
    if (c->is_long) {
        if (nl <= c->sar) {
            c->is_long = 0;
            double s = c->ep;
            if (s < prev_h) s = prev_h;
            if (s < nh) s = nh;
            out = s;
            c->af = c->acc;
            c->ep = nl;
            s = s + c->af * (c->ep - s);
            if (s < prev_h) s = prev_h;
            if (s < nh) s = nh;
            c->sar = s;
        } else {
            out = c->sar;
            if (nh > c->ep) {
                c->ep = nh;
                c->af += c->acc;
                if (c->af > c->max) c->af = c->max;
            }
            double s = c->sar + c->af * (c->ep - c->sar);
            if (s > prev_l) s = prev_l;
            if (s > nl) s = nl;
            c->sar = s;
        }
    } else {
        if (nh >= c->sar) {
            c->is_long = 1;
            double s = c->ep;
            if (s > prev_l) s = prev_l;
            if (s > nl) s = nl;
            out = s;
            c->af = c->acc;
            c->ep = nh;
            s = s + c->af * (c->ep - s);
            if (s > prev_l) s = prev_l;
            if (s > nl) s = nl;
            c->sar = s;
        } else {
            out = c->sar;
            if (nl < c->ep) {
                c->ep = nl;
                c->af += c->acc;
                if (c->af > c->max) c->af = c->max;
            }
            double s = c->sar + c->af * (c->ep - c->sar);
            if (s < prev_h) s = prev_h;
            if (s < nh) s = nh;
            c->sar = s;
        }
    }
    return c->poisoned ? NAN : out;
}

static int sar_params_ok(double acc, double max) {
    return acc >= 0.0 && acc <= 3e37 && max >= 0.0 && max <= 3e37;
}

int pr_ta_sar_lookback(double acceleration, double maximum, int *out) {
    if (!out || !sar_params_ok(acceleration, maximum)) return PR_EINVAL;
    *out = 1;
    return PR_OK;
}

int pr_ta_sar(size_t n, const double *high, const double *low, double acceleration, double maximum,
              double *out) {
    PR_TA_PROLOGUE(sar_params_ok(acceleration, maximum), n, high, low, out);
    sar_core c;
    sar_core_init(&c, acceleration, maximum);
    for (size_t i = 0; i < n; i++) out[i] = sar_core_step(&c, high[i], low[i]);
    return PR_OK;
}

struct pr_ta_sar_impl { sar_core c; };

int pr_ta_sar_init(pr_ta_sar_state *s, double acceleration, double maximum) {
    if (!s || !sar_params_ok(acceleration, maximum)) return PR_EINVAL;
    s->p = malloc(sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    sar_core_init(&s->p->c, acceleration, maximum);
    return PR_OK;
}

int pr_ta_sar_update(pr_ta_sar_state *s, double high, double low, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = sar_core_step(&s->p->c, high, low);
    return PR_OK;
}

void pr_ta_sar_free(pr_ta_sar_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
