/* Parabolic SAR and SAREXT, batch and streaming, following TA-Lib's algorithm step by
 * step: the first direction comes from bar 1's -DM (short when > 0), the
 * SAR starts at bar 0's low (long) or high (short) with the extreme point at
 * bar 1's high (long) or low (short), and on the first bar the "previous"
 * high/low are bar 1's own. On a penetration the SAR is reset to the extreme
 * point (clamped beyond the previous and current bar), output, and the next
 * SAR is projected with the reset acceleration; otherwise the SAR is output,
 * the extreme point and acceleration advance on a new extreme, and the next
 * SAR is projected and clamped. NaN highs/lows make every later value NaN
 * (comparisons alone would skip them). SAREXT (TA-Lib's) is the same machine
 * with its own acceleration init/step/cap on each side, an optional start
 * value (> 0 start long at it, < 0 start short at its absolute value, 0 as
 * SAR), the SAR moved by offsetonreverse on a reversal (times 1 + offset into
 * a short, 1 - offset into a long) and -SAR output while short. */
#include "momentum_internal.h"

typedef struct sar_core {
    double acc_init[2], acc[2], max[2];   /* [0] short side, [1] long side   */
    double start, offset;                 /* SAREXT's start value and offset */
    int signed_out;                       /* SAREXT: -SAR while short        */
    int64_t t;               /* bars seen */
    int is_long, poisoned;
    double af[2], ep, sar;
    double ph, pl;           /* previous bar's high/low (bar 0 at start) */
    double new_h, new_l;     /* current bar's high/low */
} sar_core;

/* SAREXT's parameters (SAR: start 0, offset 0, the same acceleration init,
 * step and cap on both sides); an init or step above its cap is lowered to
 * it, as TA-Lib does. */
static void sar_core_init(sar_core *c, double start, double offset, double init_l, double acc_l,
                          double max_l, double init_s, double acc_s, double max_s, int signed_out) {
    memset(c, 0, sizeof *c);
    c->start = start;
    c->offset = offset;
    c->signed_out = signed_out;
    c->acc_init[1] = init_l > max_l ? max_l : init_l;
    c->acc[1] = acc_l > max_l ? max_l : acc_l;
    c->max[1] = max_l;
    c->acc_init[0] = init_s > max_s ? max_s : init_s;
    c->acc[0] = acc_s > max_s ? max_s : acc_s;
    c->max[0] = max_s;
    c->af[0] = c->acc_init[0];
    c->af[1] = c->acc_init[1];
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
        if (c->start == 0) {
            /* direction from MINUS_DM(1) of bar 1 */
            double up = h - c->ph, down = c->pl - l;
            double mdm = (down > 0 && up < down) ? down : 0.0;
            c->is_long = !(mdm > 0);
            c->sar = c->is_long ? c->pl : c->ph;
        } else {
            c->is_long = c->start > 0;
            c->sar = fabs(c->start);
        }
        c->ep = c->is_long ? h : l;
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
            if (c->offset != 0.0) s += s * c->offset;
            out = c->signed_out ? -s : s;
            c->af[0] = c->acc_init[0];
            c->ep = nl;
            s = s + c->af[0] * (c->ep - s);
            if (s < prev_h) s = prev_h;
            if (s < nh) s = nh;
            c->sar = s;
        } else {
            out = c->sar;
            if (nh > c->ep) {
                c->ep = nh;
                c->af[1] += c->acc[1];
                if (c->af[1] > c->max[1]) c->af[1] = c->max[1];
            }
            double s = c->sar + c->af[1] * (c->ep - c->sar);
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
            if (c->offset != 0.0) s -= s * c->offset;
            out = s;
            c->af[1] = c->acc_init[1];
            c->ep = nh;
            s = s + c->af[1] * (c->ep - s);
            if (s > prev_l) s = prev_l;
            if (s > nl) s = nl;
            c->sar = s;
        } else {
            out = c->signed_out ? -c->sar : c->sar;
            if (nl < c->ep) {
                c->ep = nl;
                c->af[0] += c->acc[0];
                if (c->af[0] > c->max[0]) c->af[0] = c->max[0];
            }
            double s = c->sar + c->af[0] * (c->ep - c->sar);
            if (s < prev_h) s = prev_h;
            if (s < nh) s = nh;
            c->sar = s;
        }
    }
    return c->poisoned ? NAN : out;
}

/* Batch run from bar 2 on: sar_core_step's long/short machine with its state
 * in locals (the struct's per-side arrays kept it in memory, a load and store
 * on every bar's dependency chain), the same arithmetic in the same order.
 * Without a reversal the new extreme and its acceleration step are selects,
 * not branches (a new extreme comes at random, so the branch mispredicted),
 * and the two clamps are one: "if (s > a) s = a; if (s > b) s = b" gives the
 * same double as clamping s once by (b < a ? b : a), the first of the three
 * winning every tie, -0/+0 included, and a NaN s staying NaN. `ext` is
 * constant at each call: SAR has no offset and no signed output. */
__attribute__((always_inline)) static inline void sar_batch(sar_core *c, size_t n, const double *high,
                                                            const double *low, double *out, int ext) {
    size_t i = n < 2 ? n : 2;
    for (size_t k = 0; k < i; k++) out[k] = sar_core_step(c, high[k], low[k]);
    if (c->poisoned) {
        pr_ta_fill_nan(out + i, n - i);
        return;
    }
    const double init_s = c->acc_init[0], init_l = c->acc_init[1], acc_s = c->acc[0], acc_l = c->acc[1];
    const double max_s = c->max[0], max_l = c->max[1], offset = ext ? c->offset : 0.0;
    const int signed_out = ext && c->signed_out;
    double af_s = c->af[0], af_l = c->af[1], ep = c->ep, sar = c->sar;
    double prev_h = c->new_h, prev_l = c->new_l;
    int is_long = c->is_long;
    for (; i < n; i++) {
        double nh = high[i], nl = low[i];
        if (nh != nh || nl != nl) {
            pr_ta_fill_nan(out + i, n - i);
            return;
        }
        double o;
        if (is_long) {
            if (nl <= sar) {
                is_long = 0;
                double s = ep;
                if (s < prev_h) s = prev_h;
                if (s < nh) s = nh;
                if (ext && offset != 0.0) s += s * offset;
                o = signed_out ? -s : s;
                af_s = init_s;
                ep = nl;
                s = s + af_s * (ep - s);
                if (s < prev_h) s = prev_h;
                if (s < nh) s = nh;
                sar = s;
            } else {
                o = sar;
                af_l = pr_ta_pick_gt(nh, ep, pr_ta_pick_min(max_l, af_l + acc_l), af_l);
                ep = pr_ta_pick_max(nh, ep);
                double s = sar + af_l * (ep - sar);
                sar = pr_ta_pick_min(pr_ta_pick_min(nl, prev_l), s);
            }
        } else {
            if (nh >= sar) {
                is_long = 1;
                double s = ep;
                if (s > prev_l) s = prev_l;
                if (s > nl) s = nl;
                if (ext && offset != 0.0) s -= s * offset;
                o = s;
                af_l = init_l;
                ep = nh;
                s = s + af_l * (ep - s);
                if (s > prev_l) s = prev_l;
                if (s > nl) s = nl;
                sar = s;
            } else {
                o = signed_out ? -sar : sar;
                af_s = pr_ta_pick_gt(ep, nl, pr_ta_pick_min(max_s, af_s + acc_s), af_s);
                ep = pr_ta_pick_min(nl, ep);
                double s = sar + af_s * (ep - sar);
                sar = pr_ta_pick_max(pr_ta_pick_max(nh, prev_h), s);
            }
        }
        out[i] = o;
        prev_h = nh;
        prev_l = nl;
    }
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
    sar_core_init(&c, 0, 0, acceleration, acceleration, maximum, acceleration, acceleration, maximum, 0);
    sar_batch(&c, n, high, low, out, 0);
    return PR_OK;
}

struct pr_ta_sar_impl { sar_core c; };

int pr_ta_sar_init(pr_ta_sar_state *s, double acceleration, double maximum) {
    if (!s || !sar_params_ok(acceleration, maximum)) return PR_EINVAL;
    s->p = malloc(sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    sar_core_init(&s->p->c, 0, 0, acceleration, acceleration, maximum, acceleration, acceleration, maximum, 0);
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

static int sarext_params_ok(double start, double offset, double il, double al, double ml, double is,
                            double as, double ms) {
    if (!(start >= -3e37 && start <= 3e37)) return 0;
    const double v[] = {offset, il, al, ml, is, as, ms};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (!(v[i] >= 0.0 && v[i] <= 3e37)) return 0;
    return 1;
}

int pr_ta_sarext_lookback(double start, double offset, double il, double al, double ml, double is, double as,
                          double ms, int *out) {
    if (!out || !sarext_params_ok(start, offset, il, al, ml, is, as, ms)) return PR_EINVAL;
    *out = 1;
    return PR_OK;
}

int pr_ta_sarext(size_t n, const double *high, const double *low, double start, double offset, double il,
                 double al, double ml, double is, double as, double ms, double *out) {
    PR_TA_PROLOGUE(sarext_params_ok(start, offset, il, al, ml, is, as, ms), n, high, low, out);
    sar_core c;
    sar_core_init(&c, start, offset, il, al, ml, is, as, ms, 1);
    sar_batch(&c, n, high, low, out, 1);
    return PR_OK;
}

struct pr_ta_sarext_impl { sar_core c; };

int pr_ta_sarext_init(pr_ta_sarext_state *s, double start, double offset, double il, double al, double ml,
                      double is, double as, double ms) {
    if (!s || !sarext_params_ok(start, offset, il, al, ml, is, as, ms)) return PR_EINVAL;
    s->p = malloc(sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    sar_core_init(&s->p->c, start, offset, il, al, ml, is, as, ms, 1);
    return PR_OK;
}

int pr_ta_sarext_update(pr_ta_sarext_state *s, double high, double low, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = sar_core_step(&s->p->c, high, low);
    return PR_OK;
}

void pr_ta_sarext_free(pr_ta_sarext_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
