/* The risk stage's per-step watch (risk/watch.h): a ring of step returns,
 * the book at the closes, the report's exposure/VaR series, and the
 * exposure and VaR limits applied to each sized entry. Buffers are sized at
 * the first step (the view's instrument count) and the series grows by
 * blocks of rows (never copied), so a step allocates once in 4096 steps. The
 * VaR of the series: a book of one instrument reads its 95% VaR and CVaR
 * off the tails of that instrument's window (the m smallest and m largest
 * returns, m = n - ceil(0.95 n) + 1), which each instrument keeps in two
 * small sorted buffers: a step moves a value in or out only when it falls
 * in a tail, and a buffer drained below m is refilled by one selection over
 * the window (keeping the whole window sorted costs ~50 ns a step at 100
 * values). A book of several takes one selection over the window's P&L. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/risk/watch.h"

#define PENDING_MAX 64   /* entries sized at one step before they fill */
#define BLK 16           /* ring slots per block of the |return| bounds      */
#define ROWS_SHIFT 12
#define ROWS_PER_BLOCK ((size_t)1 << ROWS_SHIFT)

enum { FX_ONE = 0, FX_INV_SELF, FX_OTHER, FX_INV_OTHER };

struct pr_risk_watch {
    const pr_risk_exposure *ex;
    const pr_risk_var *var;
    char ccy[16];
    double equity;           /* the step's                                        */
    size_t n;                /* instruments, 0 before the first step             */
    double *ret;             /* cap rows of n returns                            */
    size_t cap, head, count;
    double *expo, *trial;    /* signed notional per instrument (trial: + entry)  */
    double *mark;
    double *qty;             /* signed holding per instrument                    */
    int *fx_kind, *fx_src;
    pr_risk_pos *book;       /* open positions, then the step's pending entries  */
    size_t n_open, n_book;
    double *tails;           /* per instrument two buffers of tcap: the smallest
                                returns ascending, then the largest negated    */
    int *tn;                 /* their lengths                                    */
    unsigned char *tall;     /* 1: the buffer holds the whole window             */
    size_t tcap;
    size_t win;              /* risk.var.window                                  */
    double *scratch;
    size_t n_scratch;
    pr_risk_row **blocks;    /* the series, ROWS_PER_BLOCK rows a block          */
    size_t n_rows, n_blocks, cap_blocks;
    int dirty;               /* a fill since the last step: re-read the holdings  */
    int record;              /* keep the series (pr_risk_watch_record)            */
    pr_risk_row last;        /* the latest step's row                             */
    int var_due;             /* last's VaR not computed yet (no series kept)      */
    int tails_ok;            /* the tails follow the window (only while the series
                                is kept: else a VaR scans the window once)      */
    int book_due;            /* the book not built yet                            */
    int row_due;             /* expo and last's exposure not worked out yet       */
    const pr_market_view *view;   /* the view the references below read          */
    const unsigned char *upd;     /* its updated flags                           */
    const size_t *steps;          /* its step count (pr_view_step_count)         */
    size_t t_last;                /* the count at the ring's latest row           */
    size_t t_mark;                /* the count the marks were last brought to     */
    double *bmax, *bnext;         /* per instrument and block of BLK ring slots: at
                                     least the largest |return| it holds, and the
                                     largest written since its first slot was  */
    size_t nblk;
    size_t *len_at;               /* per instrument: its closes at the ring's latest
                                     row (SIZE_MAX: not known yet)                */
    pr_view_ind_ref *cref;   /* per instrument: its closes, read without a call   */
    const pr_instrument **inst;
    int *cls;                /* their asset classes (read while the view lives)   */
    pr_risk_var_window pending;   /* a restored window, applied at the first step */
};

int pr_risk_watch_new(const pr_risk_exposure *ex, const pr_risk_var *var, pr_risk_watch **out, pr_err *err) {
    *out = calloc(1, sizeof **out);
    if (!*out) return pr_err_set(err, PR_ENOMEM, "risk: out of memory");
    (*out)->ex = ex;
    (*out)->var = var;
    return PR_OK;
}

void pr_risk_watch_free(pr_risk_watch *w) {
    if (!w) return;
    free(w->ret);
    free(w->expo);
    free(w->trial);
    free(w->mark);
    free(w->qty);
    free(w->fx_kind);
    free(w->fx_src);
    free(w->book);
    free(w->scratch);
    free(w->tails);
    free(w->tn);
    free(w->tall);
    free(w->cref);
    free(w->len_at);
    free(w->bmax);
    free(w->bnext);
    free(w->inst);
    free(w->cls);
    pr_risk_var_window_free(&w->pending);
    for (size_t b = 0; b < w->n_blocks; b++) free(w->blocks[b]);
    free(w->blocks);
    free(w);
}

void pr_risk_watch_account(pr_risk_watch *w, const pr_account *a) {
    if (!w->ccy[0]) memcpy(w->ccy, a->ccy, sizeof w->ccy);
    w->equity = a->equity;
}

/* How instrument i's quote currency converts to the account's: itself, its
 * own price inverted (USD account, USDJPY), another instrument of the run
 * pairing the two (EURGBP in USD through GBPUSD or USDGBP), else 1 (a
 * stable coin against its dollar, or no pair to convert with). */
static void fx_plan(pr_risk_watch *w, const pr_market_view *v) {
    for (size_t i = 0; i < w->n; i++) {
        const pr_instrument *in = pr_view_instrument(v, (int)i);
        w->fx_kind[i] = FX_ONE;
        w->fx_src[i] = -1;
        if (!in || !w->ccy[0] || strcmp(in->quote, w->ccy) == 0) continue;
        if (strcmp(in->base, w->ccy) == 0) {
            w->fx_kind[i] = FX_INV_SELF;
            continue;
        }
        for (size_t j = 0; j < w->n; j++) {
            const pr_instrument *o = pr_view_instrument(v, (int)j);
            if (!o || o->asset_class != PR_ASSET_FOREX) continue;
            if (strcmp(o->base, in->quote) == 0 && strcmp(o->quote, w->ccy) == 0) w->fx_kind[i] = FX_OTHER;
            else if (strcmp(o->base, w->ccy) == 0 && strcmp(o->quote, in->quote) == 0) w->fx_kind[i] = FX_INV_OTHER;
            else continue;
            w->fx_src[i] = (int)j;
            break;
        }
    }
}

static double fx_at(const pr_risk_watch *w, size_t i, double px) {
    double m = w->fx_src[i] >= 0 ? w->mark[w->fx_src[i]] : 0;
    switch (w->fx_kind[i]) {
    case FX_INV_SELF: return px > 0 ? 1 / px : 1;
    case FX_OTHER: return m > 0 ? m : 1;
    case FX_INV_OTHER: return m > 0 ? 1 / m : 1;
    default: return 1;
    }
}

/* Values at each end of a window of n the 95% VaR and CVaR read: the losses
 * L(k) ... L(n), k = ceil(0.95 n), are n - k + 1. */
static size_t tail_len(size_t n) { return n - (95 * n + 99) / 100 + 1; }

/* A restored window (pr_risk_watch_window_set) fills the ring as the steps
 * before the restart left it: its latest rows, at most the ring's length,
 * oldest first from slot 0. */
static int apply_pending(pr_risk_watch *w, pr_err *err) {
    pr_risk_var_window *p = &w->pending;
    if (!p->n_rows) return PR_OK;
    if (p->n_inst != w->n) {
        int rc = pr_err_set(err, PR_EINVAL,
                            "risk state: the VaR window was saved for %zu instruments, this run has %zu",
                            p->n_inst, w->n);
        pr_risk_var_window_free(p);
        return rc;
    }
    size_t k = p->n_rows < w->cap ? p->n_rows : w->cap;
    memcpy(w->ret, p->rows + (p->n_rows - k) * p->n_inst, k * w->n * sizeof *w->ret);
    for (size_t i = 0; i < w->n; i++)
        for (size_t r = 0; r < k; r++) {
            double a = fabs(w->ret[r * w->n + i]), *m = &w->bmax[i * w->nblk + r / BLK];
            if (a > *m) *m = w->bnext[i * w->nblk + r / BLK] = a;
        }
    w->count = k;
    w->head = k % w->cap;
    pr_risk_var_window_free(p);
    return PR_OK;
}

static int setup(pr_risk_watch *w, const pr_market_view *v, pr_err *err) {
    w->n = pr_view_n_instruments(v);
    size_t n = w->n ? w->n : 1;
    w->cap = (size_t)(w->var->window > w->ex->corr_window ? w->var->window : w->ex->corr_window);
    w->n_scratch = 2 * w->cap > (size_t)w->var->paths ? 2 * w->cap : (size_t)w->var->paths;
    w->ret = calloc(w->cap * n, sizeof *w->ret);
    w->expo = calloc(n, sizeof *w->expo);
    w->trial = calloc(n, sizeof *w->trial);
    w->mark = calloc(n, sizeof *w->mark);
    w->qty = calloc(n, sizeof *w->qty);
    w->dirty = 1;
    w->fx_kind = calloc(n, sizeof *w->fx_kind);
    w->fx_src = calloc(n, sizeof *w->fx_src);
    w->book = calloc(n + PENDING_MAX, sizeof *w->book);
    w->scratch = calloc(w->n_scratch, sizeof *w->scratch);
    w->win = (size_t)w->var->window;
    w->tcap = 3 * tail_len(w->win) + 6;   /* room to drift: ~1 refill in 700 steps at 100 */
    w->tails = calloc(2 * w->tcap * n, sizeof *w->tails);
    w->tn = calloc(2 * n, sizeof *w->tn);
    w->tall = calloc(2 * n, sizeof *w->tall);
    w->cref = calloc(n, sizeof *w->cref);
    w->len_at = calloc(n, sizeof *w->len_at);
    w->nblk = (w->cap + BLK - 1) / BLK;
    w->bmax = calloc(n * w->nblk, sizeof *w->bmax);
    w->bnext = calloc(n * w->nblk, sizeof *w->bnext);
    w->inst = calloc(n, sizeof *w->inst);
    w->cls = calloc(n, sizeof *w->cls);
    if (!w->ret || !w->expo || !w->trial || !w->mark || !w->qty || !w->fx_kind || !w->fx_src || !w->book || !w->scratch ||
        !w->tails || !w->tn || !w->tall || !w->cref || !w->len_at || !w->bmax || !w->bnext || !w->inst || !w->cls)
        return pr_err_set(err, PR_ENOMEM, "risk: out of memory");
    for (size_t k = 0; k < 2 * n; k++) w->tall[k] = 1;   /* the empty window */
    fx_plan(w, v);
    return apply_pending(w, err);
}

/* The first step sets the buffers up; a step with another view than the
 * last takes its references again. */
__attribute__((noinline)) static int bind(pr_risk_watch *w, const pr_market_view *v, pr_err *err) {
    int rc;
    if (!w->ret && (rc = setup(w, v, err)) != PR_OK) return rc;
    for (size_t i = 0; i < w->n; i++) {
        if (pr_view_close_ref_get(v, (int)i, &w->cref[i]) != PR_OK)
            return pr_err_set(err, PR_ESTATE, "risk: the view of instrument %zu cannot be read", i);
        const pr_instrument *in = w->inst[i] = pr_view_instrument(v, (int)i);
        w->cls[i] = in && in->asset_class < PR_RISK_CLASSES ? (int)in->asset_class : 0;
    }
    w->upd = pr_view_updated_flags(v);
    w->steps = pr_view_step_count(v);
    w->t_last = *w->steps - 1;   /* the step being taken is the ring's next row */
    w->t_mark = SIZE_MAX;
    for (size_t i = 0; i < w->n; i++) w->len_at[i] = SIZE_MAX;
    w->view = v;
    return PR_OK;
}

/* VaR and CVaR at a of the book expo over the latest `window` steps; NaN
 * before min_obs steps. */
static int book_var(pr_risk_watch *w, const double *expo, double a, int method, double *var, double *cvar) {
    size_t n = w->count < (size_t)w->var->window ? w->count : (size_t)w->var->window;
    if (n < (size_t)w->var->min_obs) {
        *var = *cvar = NAN;
        return PR_OK;
    }
    if (method == PR_VAR_MONTE_CARLO)
        return pr_risk_var_mc(w->ret, w->cap, w->n, w->head, n, expo, a, (size_t)w->var->paths,
                              (unsigned long)w->var->seed, w->scratch, var, cvar);
    pr_risk_var_hist(w->ret, w->cap, w->n, w->head, n, expo, a, w->scratch, var, cvar);
    return PR_OK;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One tail buffer t[0..*tn) (ascending) of the smallest values of a window:
 * `out` leaves it (when the window was full) and `in` joins. A value below
 * the buffer's largest is in the buffer; one above it may be anywhere, so it
 * only joins a buffer that holds the whole window. */
static void tail_move(double *t, int *tn, unsigned char *all, int cap, int full, double out, double in) {
    int n = *tn;
    if (full && n > 0 && out <= t[n - 1]) {
        int q = 0;
        while (q < n && t[q] < out) q++;
        if (q < n) {
            memmove(t + q, t + q + 1, (size_t)(n - 1 - q) * sizeof *t);
            n--;
        }
    }
    if (*all || (n > 0 && in <= t[n - 1])) {
        int p = n;
        while (p > 0 && t[p - 1] > in) p--;
        if (n == cap) {   /* drop the largest: the buffer no longer holds everything */
            *all = 0;
            if (p == n) {
                *tn = n;
                return;
            }
            n--;
        }
        memmove(t + p + 1, t + p, (size_t)(n - p) * sizeof *t);
        t[p] = in;
        n++;
    }
    *tn = n;
}

/* Refills instrument i's buffer (sign +1: smallest returns, -1: largest,
 * negated) from the latest n rows of the ring. */
static void tail_refill(pr_risk_watch *w, size_t i, int side, size_t n) {
    double *t = w->tails + (2 * i + (side < 0)) * w->tcap, *x = w->scratch;
    for (size_t k = 0; k < n; k++) {
        size_t row = (w->head + w->cap - 1 - k) % w->cap;
        x[k] = side * w->ret[row * w->n + i];
    }
    size_t m = n < w->tcap ? n : w->tcap;
    if (m < n) pr_risk_select(x, n, m - 1);   /* the m smallest first */
    qsort(x, m, sizeof *x, cmp_double);
    memcpy(t, x, m * sizeof *t);
    w->tn[2 * i + (side < 0)] = (int)m;
    w->tall[2 * i + (side < 0)] = m == n;
}

/* Rows [lo, hi) of instrument i's returns (times side) into the ascending
 * buffer t of the m smallest seen so far (*c of them): a value at or above
 * the m-th smallest is the common case and costs one comparison. */
static void tail_take(const pr_risk_watch *w, size_t i, double side, size_t lo, size_t hi, double *t, size_t m,
                      size_t *c) {
    const double *x = w->ret + i;
    size_t k = *c;
    for (size_t row = lo; row < hi; row++) {
        double v = side * x[row * w->n];
        size_t p;
        if (k < m) p = k++;
        else if (v < t[m - 1]) p = m - 1;
        else continue;
        while (p > 0 && t[p - 1] > v) {
            t[p] = t[p - 1];
            p--;
        }
        t[p] = v;
    }
    *c = k;
}

/* The m smallest of instrument i's latest n returns (side -1: the largest,
 * negated), ascending, in the scratch: the tail a buffer would hold, in
 * one pass over the window's two runs of the ring (the multiset of the m
 * smallest, and so its ascending order, is the same whatever the order the
 * values are seen in). */
static const double *tail_scan(pr_risk_watch *w, size_t i, int side, size_t n, size_t m) {
    double *t = w->scratch;
    size_t c = 0;
    if (w->head >= n) tail_take(w, i, side, w->head - n, w->head, t, m, &c);
    else {
        tail_take(w, i, side, 0, w->head, t, m, &c);
        tail_take(w, i, side, w->cap - (n - w->head), w->cap, t, m, &c);
    }
    return t;
}

/* VaR and CVaR at 95% of a book holding only instrument i (signed notional
 * e) with n steps of returns: a long loses -e r, so its k-th smallest loss
 * is -e times the m-th smallest return (m = n - k + 1) and its CVaR -e
 * times the mean of the m smallest; a short loses |e| r, the same with the
 * m largest. */
static void var_one(pr_risk_watch *w, size_t i, size_t n, double e, double *var, double *cvar) {
    size_t m = tail_len(n);
    const double *t = w->tails_ok ? w->tails + (2 * i + (e < 0)) * w->tcap : tail_scan(w, i, e < 0 ? -1 : 1, n, m);
    double sum = 0;
    for (size_t j = 0; j < m; j++) sum += t[j];
    double s = e > 0 ? -e : e;   /* the short tail holds -r */
    *var = s * t[m - 1];
    *cvar = s * sum / (double)m;
}

static int add_row(pr_risk_watch *w, const pr_risk_row *r) {
    size_t b = w->n_rows >> ROWS_SHIFT;
    if (b == w->n_blocks) {
        if (w->n_blocks == w->cap_blocks) {
            size_t c = w->cap_blocks ? 2 * w->cap_blocks : 64;
            pr_risk_row **p = realloc(w->blocks, c * sizeof *p);
            if (!p) return PR_ENOMEM;
            w->blocks = p;
            w->cap_blocks = c;
        }
        if (!(w->blocks[b] = malloc(ROWS_PER_BLOCK * sizeof **w->blocks))) return PR_ENOMEM;
        w->n_blocks++;
    }
    w->blocks[b][w->n_rows & (ROWS_PER_BLOCK - 1)] = *r;
    w->n_rows++;
    return PR_OK;
}

/* The 95% VaR and CVaR of the step's book (w->expo) for its row. */
static int row_var(pr_risk_watch *w, pr_risk_row *r) {
    int rc;
    size_t nv = w->count < w->win ? w->count : w->win;
    if (r->positions == 1 && nv >= (size_t)w->var->min_obs) {
        size_t i = 0;
        while (w->qty[i] == 0) i++;   /* the one position */
        var_one(w, i, nv, w->expo[i], &r->var95, &r->cvar95);
        r->var95 += 0.0;   /* no loss in the window: 0, not -0 */
        r->cvar95 += 0.0;
    } else if (r->positions) {
        if ((rc = book_var(w, w->expo, 0.95, PR_VAR_HISTORICAL, &r->var95, &r->cvar95)) != PR_OK) return rc;
        r->var95 += 0.0;   /* no loss in the window: 0, not -0 */
        r->cvar95 += 0.0;
    } else if (w->count >= (size_t)w->var->min_obs) r->var95 = r->cvar95 = 0;
    else r->var95 = r->cvar95 = NAN;
    return PR_OK;
}

/* The holdings, read again after a fill (they change only with fills). */
__attribute__((noinline)) static void read_holdings(pr_risk_watch *w, const pr_portfolio *pf) {
    for (size_t i = 0; i < w->n; i++) {
        pr_holding h = {0};
        w->qty[i] = pf && pf->holding && pf->holding(pf->self, (int)i, &h) == 0 ? h.qty : 0;
    }
    w->dirty = 0;
}

/* The book at the step's marks: each open position's signed notional, the
 * row's gross exposure by class and position count. Built when something
 * reads it (an entry, the series, pr_risk_watch_last), not at every step:
 * the holdings and marks it reads change only at the next step. */
static void book_row(pr_risk_watch *w) {
    pr_risk_row *r = &w->last;
    memset(r->gross, 0, sizeof r->gross);
    r->positions = 0;
    for (size_t i = 0; i < w->n; i++) {
        w->expo[i] = 0;
        if (w->qty[i] == 0) continue;
        w->expo[i] = w->qty[i] * w->mark[i] * fx_at(w, i, w->mark[i]);
        r->gross[w->cls[i]] += fabs(w->expo[i]);
        r->positions++;
    }
    w->row_due = 0;
}

/* The open positions as the exposure limits read them (an entry's check,
 * while the view and its instruments are alive). */
static void build_book(pr_risk_watch *w) {
    if (w->row_due) book_row(w);
    w->n_open = 0;
    for (size_t i = 0; i < w->n; i++)
        if (w->qty[i] != 0)
            w->book[w->n_open++] = (pr_risk_pos){.index = (int)i, .inst = w->inst[i], .notional = w->expo[i]};
    w->n_book = w->n_open;
    w->book_due = 0;
}

/* Keeps the tail buffers (the series' VaR) up to date with the row just
 * written; gone: the row that left the VaR window (NULL: none left). */
static void tails_step(pr_risk_watch *w, const double *row, const double *gone, int full) {
    size_t nw = w->count < w->win ? w->count : w->win, m = tail_len(nw);
    for (size_t i = 0; i < w->n; i++)
        for (int t = 0; t < 2; t++) {
            size_t b = 2 * i + (size_t)t;
            double sg = t ? -1 : 1;
            if (w->tails_ok)
                tail_move(w->tails + b * w->tcap, &w->tn[b], &w->tall[b], (int)w->tcap, full,
                          sg * (full ? gone[i] : 0), sg * row[i]);
            if (!w->tails_ok || (size_t)w->tn[b] < m) tail_refill(w, i, t ? -1 : 1, nw);
        }
    w->tails_ok = 1;
}

/* Instrument i's returns written into ring slots [slot, slot + run) of one
 * block, the largest |return| among them a: the block's bound
 * grows to cover it, and becomes the block's own maximum again once its
 * last slot is written (slots are written in ring order, so every slot of
 * the block then came after the write of its first, when the running
 * maximum started over). The bound is at least every |return| the block
 * holds, whatever was skipped: what a VaR check may rely on (vmax_bound). */
static inline void note_rows(pr_risk_watch *w, size_t i, size_t slot, size_t run, double a) {
    size_t b = i * w->nblk + slot / BLK, end = slot + run;
    if (slot % BLK == 0) w->bnext[b] = a;
    else if (a > w->bnext[b]) w->bnext[b] = a;
    if (end % BLK == 0 || end == w->cap) w->bmax[b] = w->bnext[b];
    else if (a > w->bmax[b]) w->bmax[b] = a;
}

/* note_rows of one row. */
static inline void note_row(pr_risk_watch *w, size_t i, size_t slot, double r) { note_rows(w, i, slot, 1, fabs(r)); }

/* At least the largest |return| of instrument i anywhere in the ring. */
static double vmax_bound(const pr_risk_watch *w, size_t i) {
    double m = 0;
    for (size_t b = 0; b < w->nblk; b++)
        if (w->bmax[i * w->nblk + b] > m) m = w->bmax[i * w->nblk + b];
    return m;
}

/* The marks after s steps not seen: each instrument's latest positive
 * close among them (else the mark stays). */
static void missed_marks(pr_risk_watch *w, size_t s, int step_taken) {
    for (size_t i = 0; i < w->n; i++) {
        const double *x = *w->cref[i].vals;
        const size_t len = *w->cref[i].len, off = step_taken && w->upd[i] ? 1 : 0;
        for (size_t q = 0; q < s && q + off < len; q++)
            if (x[len - 1 - off - q] > 0) {
                w->mark[i] = x[len - 1 - off - q];
                break;
            }
    }
}

/* The rows of s steps the watch did not see (the pipeline skipped them as
 * quiet, or they waited for a read: pr_risk_watch_lazy), each with a new
 * bar of every instrument, as ring_step would have written them:
 * instrument i's newest missed bar is `off` bars back (1 when the step
 * being taken has a bar of i, else 0). Only the latest rows the ring holds
 * are computed. Steps a runner took without the pipeline (a scan interval
 * deciding every n bars) are missed steps too; an instrument that had
 * fewer new bars than steps then (another calendar) gets its returns in
 * the latest rows and 0 before them, as the steps it sat out would have. */
static void catch_up(pr_risk_watch *w, size_t s, int step_taken) {
    const size_t keep = s < w->cap ? s : w->cap, n = w->n, first = (w->head + s - keep) % w->cap;
    for (size_t i = 0; i < n; i++) {
        const double *x = *w->cref[i].vals;
        const size_t len = *w->cref[i].len, off = step_taken && w->upd[i] ? 1 : 0;
        /* oldest kept row first: bar b + j of row j, in the ring's slots
         * from `first` on (two runs when they wrap) */
        const ptrdiff_t b = (ptrdiff_t)len - (ptrdiff_t)off - (ptrdiff_t)keep;
        size_t got = w->len_at[i] == SIZE_MAX || len - off < w->len_at[i] ? s : len - off - w->len_at[i];
        size_t from = got < keep ? keep - got : 0;   /* rows before: steps without a bar of i */
        w->len_at[i] = len - off;
        size_t slot = first, j = 0;
        size_t none = from;   /* leading rows without a return: no bar, or before the second */
        if (b + (ptrdiff_t)none < 1) none = (size_t)(1 - b);
        if (none > keep) none = keep;
        while (j < keep) {   /* by runs inside one block of the bounds */
            size_t bend = (slot / BLK + 1) * BLK < w->cap ? (slot / BLK + 1) * BLK : w->cap;
            size_t run = keep - j < bend - slot ? keep - j : bend - slot;
            double *o = w->ret + slot * n + i, *end = o + run * n, mx = 0;
            size_t j1 = j + run;
            for (; o < end && j < none; o += n, j++) *o = 0;
            /* the division whatever the closes (its result dropped when
             * one is not positive): no branch per row */
            for (const double *c = x + b + (ptrdiff_t)j; o < end; o += n, c++) {
                double q = c[0] / c[-1] - 1, r = c[0] > 0 && c[-1] > 0 ? q : 0, a = fabs(r);
                *o = r;
                mx = mx > a ? mx : a;
            }
            j = j1;
            note_rows(w, i, slot, run, mx);
            slot = bend == w->cap ? 0 : bend;
        }
    }
    missed_marks(w, s, step_taken);
    w->head = (w->head + s) % w->cap;
    w->count = w->count + s < w->cap ? w->count + s : w->cap;
}

/* The rows of the steps missed up to the one being taken. */
static inline void catch_up_to_step(pr_risk_watch *w) {
    size_t t = *w->steps;
    if (t > w->t_last + 1) catch_up(w, t - w->t_last - 1, 1);
    w->t_last = w->t_mark = t;   /* ring_step follows: row and marks */
}

/* Steps not in the ring yet (the latest of them the view's current one). */
static inline size_t pending(const pr_risk_watch *w) { return w->steps ? *w->steps - w->t_last : 0; }

/* A read between steps (an entry, pr_risk_watch_last) after steps not
 * seen: the marks and the step's fields as a step would have left them;
 * the ring's rows wait for sync_ring (an entry without a VaR limit and
 * without positions to correlate with never needs them). */
static void sync_marks(pr_risk_watch *w) {
    size_t s = pending(w);
    if (!s || w->t_mark == *w->steps) return;
    missed_marks(w, s, 0);
    w->t_mark = *w->steps;
    w->last.ts = pr_view_now(w->view);
    w->last.equity = w->equity;
    w->book_due = w->row_due = w->var_due = 1;
    w->tails_ok = 0;
}

/* The ring with every step up to the view's current one. */
static void sync_ring(pr_risk_watch *w) {
    size_t s = pending(w);
    if (!s) return;
    sync_marks(w);
    catch_up(w, s, 0);
    w->t_last = *w->steps;
}

int pr_risk_watch_lazy(const pr_risk_watch *w) { return !w->record; }

void pr_risk_watch_settle(pr_risk_watch *w, double equity) {
    if (!w->ret || !w->steps) return;
    if (pending(w)) {
        w->equity = equity;   /* the latest step's, skipped or not seen */
        sync_ring(w);
    }
    w->view = NULL;
    w->steps = NULL;
}

/* The step's returns into the ring's next row, the marks, the holdings
 * after a fill: all a step does while nothing reads the book. */
__attribute__((always_inline)) static inline void ring_step(pr_risk_watch *w, int64_t now, const pr_portfolio *pf) {
    double *row = w->ret + w->head * w->n;
    const unsigned char *upd = w->upd;
    for (size_t i = 0; i < w->n; i++) {
        double r = 0;
        if (upd[i] || !(w->mark[i] > 0)) {   /* else the close and the mark are as they were */
            double c0 = pr_view_ind_read(&w->cref[i], 0);
            double c1 = upd[i] ? pr_view_ind_read(&w->cref[i], 1) : NAN;
            if (c0 > 0) w->mark[i] = c0;
            if (c0 > 0 && c1 > 0) r = c0 / c1 - 1;
        }
        row[i] = r;
        note_row(w, i, w->head, r);
        w->len_at[i] = *w->cref[i].len;
    }
    if (++w->head == w->cap) w->head = 0;
    if (w->count < w->cap) w->count++;
    w->last.ts = now;
    w->last.equity = w->equity;
    w->book_due = w->row_due = 1;
    /* The row's VaR is read only by the series and pr_risk_watch_last:
     * without the series it waits for the latter (ring and book stay as
     * they are until the next step). */
    w->var_due = 1;
    if (w->dirty) read_holdings(w, pf);   /* last: a tail call */
}

/* A step that keeps the series: the row leaving the VaR window (once it is
 * full; the ring may be longer for the correlations) is kept aside for the
 * tails before it is overwritten, and the row gets its book and VaR. */
__attribute__((noinline)) static int record_step(pr_risk_watch *w, const pr_market_view *v, const pr_portfolio *pf,
                                                 pr_err *err) {
    int rc;
    int full = (w->count < w->win ? w->count : w->win) == w->win;
    size_t g = w->head >= w->win ? w->head - w->win : w->head + w->cap - w->win;   /* no division per step */
    memcpy(w->trial, w->ret + g * w->n, w->n * sizeof *w->trial);
    const double *row = w->ret + w->head * w->n;
    ring_step(w, pr_view_now(v), pf);
    /* A VaR at every step (the series) reads the tails kept up to date; a
     * VaR now and then (an entry's check) scans the window instead. */
    tails_step(w, row, w->trial, full);
    build_book(w);
    w->var_due = 0;
    if ((rc = row_var(w, &w->last)) != PR_OK) return pr_err_set(err, rc, "risk: VaR");
    if (add_row(w, &w->last) != PR_OK) return pr_err_set(err, PR_ENOMEM, "risk: out of memory");
    return PR_OK;
}

/* A step with another view than the last, or keeping the series. */
__attribute__((noinline)) static int step_slow(pr_risk_watch *w, int64_t now, const pr_market_view *v,
                                               const pr_portfolio *pf, pr_err *err) {
    int rc;
    if (w->view != v && (rc = bind(w, v, err)) != PR_OK) return rc;
    catch_up_to_step(w);
    if (w->record) return record_step(w, v, pf, err);
    w->tails_ok = 0;   /* not followed: a VaR scans the window */
    ring_step(w, now, pf);
    return PR_OK;
}

/* A step with a new bar of every instrument, not keeping the series: its
 * row waits, like those of the steps the pipeline skipped, for the next
 * read (sync); only holdings changed by a fill are read now, while the
 * portfolio is at hand. */
static inline int all_updated(const pr_risk_watch *w) {
    for (size_t i = 0; i < w->n; i++)
        if (!w->upd[i]) return 0;
    return 1;
}

int pr_risk_watch_step_at(pr_risk_watch *w, int64_t now, double equity, const pr_market_view *v,
                          const pr_portfolio *pf, pr_err *err) {
    w->equity = equity;
    if (w->view != v || w->record) return step_slow(w, now, v, pf, err);
    if (all_updated(w)) {
        if (w->dirty) read_holdings(w, pf);
        return PR_OK;
    }
    catch_up_to_step(w);
    w->tails_ok = 0;   /* not followed: a VaR scans the window */
    ring_step(w, now, pf);
    return PR_OK;
}

int pr_risk_watch_step(pr_risk_watch *w, const pr_market_view *v, const pr_portfolio *pf, pr_err *err) {
    return pr_risk_watch_step_at(w, pr_view_now(v), w->equity, v, pf, err);
}

/* The entry's notional in the account currency from the sizing decision. */
static double entry_notional(const pr_risk_decision *d, const pr_signal *sig, double px, double fx) {
    switch (d->mode) {
    case PR_QTY_UNITS: return d->value * px * fx;
    case PR_QTY_RISK: {
        double dist = fabs(px - sig->stop);
        return dist > 0 ? d->value * px / dist : d->value;
    }
    default: return d->value;   /* NOTIONAL; CASH: the money committed, unlevered */
    }
}

static double corr_of(void *ctx, int a, int b) {
    pr_risk_watch *w = ctx;
    sync_ring(w);
    size_t n = w->count < (size_t)w->ex->corr_window ? w->count : (size_t)w->ex->corr_window;
    return pr_risk_corr(w->ret, w->cap, w->n, w->head, n, a, b, w->scratch);
}

/* How many of instrument i's latest n returns r give f(r) = s (side r) >
 * x, for s < 0 (f never rises with r), counted over the window's two runs
 * of the ring without a branch per value. */
static size_t count_over(const pr_risk_watch *w, size_t i, double side, double s, size_t n, double x) {
    size_t c = 0, runs[2][2] = {{0, 0}, {0, 0}};
    if (w->head >= n) runs[0][0] = w->head - n, runs[0][1] = w->head;
    else runs[0][1] = w->head, runs[1][0] = w->cap - (n - w->head), runs[1][1] = w->cap;
    /* s (side r) is (s side) r bit for bit: side is +-1, and rounding to
     * nearest is the same for x and -x */
    const double k = s * side;
    const size_t stride = w->n;
    for (int q = 0; q < 2; q++) {
        const double *r = w->ret + runs[q][0] * stride + i, *end = w->ret + runs[q][1] * stride + i;
        for (; r < end; r += stride) c += k * *r > x;
    }
    return c;
}

/* Whether the trial book's VaR exceeds x. A book of one instrument at the
 * historical 95% (without the kept series' tails) needs no VaR at all:
 * var_one's VaR is s t(m), t(m) the m-th smallest of the values side r,
 * and as s t never rises with t the values with s t > x are the smallest
 * ones, so s t(m) > x exactly when at least m of them are above x (one
 * pass, the same decision bit for bit). With the tails kept it reads them
 * (var_one, the series' value). Any other book or VaR takes book_var: -e
 * times the m-th smallest return is bit for bit the k-th smallest of the
 * losses -(e r) the selection would find (the other instruments add only
 * zeros). */
static int trial_over(pr_risk_watch *w, double x, int *over) {
    sync_ring(w);
    size_t n = w->count < w->win ? w->count : w->win, one = 0, nz = 0;
    double var = NAN, cvar;
    if (w->var->method == PR_VAR_HISTORICAL && w->var->confidence == 0.95 && n >= (size_t)w->var->min_obs) {
        for (size_t k = 0; k < w->n && nz < 2; k++)
            if (w->trial[k] != 0) {
                nz++;
                one = k;
            }
        if (nz == 1) {
            double e = w->trial[one];
            if (w->tails_ok) var_one(w, one, n, e, &var, &cvar);
            else if (fabs(e) * vmax_bound(w, one) <= x) {
                /* no return in the ring loses more than x: |e r| <= |e| max|r| <= x
                 * (and rounding keeps the order), so no loss of the window is over */
                *over = 0;
                return PR_OK;
            } else {
                *over = count_over(w, one, e < 0 ? -1 : 1, e > 0 ? -e : e, n, x) >= tail_len(n);
                return PR_OK;
            }
            *over = var > x;
            return PR_OK;
        }
    }
    int rc = book_var(w, w->trial, w->var->confidence, w->var->method, &var, &cvar);
    *over = rc == PR_OK && var > x;
    return rc;
}

void pr_risk_watch_entry(pr_risk_watch *w, const pr_size_request *rq, double px, pr_risk_decision *d) {
    const pr_signal *sig = rq->sig;
    int i = sig->instrument;
    if (!w->ret || !(d->value > 0) || i < 0 || (size_t)i >= w->n) return;
    sync_marks(w);
    if (w->book_due) build_book(w);
    int side = sig->kind == PR_SIG_ENTER_SHORT ? -1 : 1;
    double want = entry_notional(d, sig, px, fx_at(w, (size_t)i, px)), allowed = want;
    pr_risk_pos e = {.index = i, .inst = rq->inst, .notional = side * want};
    const char *why = NULL;
    if (pr_risk_exposure_on(w->ex)) {
        pr_risk_book b = {.equity = rq->account->equity, .margin_used = rq->account->used_margin,
                          .gross = rq->account->gross_exposure, .ccy = w->ccy, .pos = w->book, .n = w->n_book};
        pr_risk_exposure_check(w->ex, &b, &e, corr_of, w, &allowed, &why);
    }
    if (why && !(allowed > 0)) {
        *d = (pr_risk_decision){PR_QTY_NOTIONAL, 0, 0, why};
        return;
    }
    if (w->var->limit > 0) {
        memcpy(w->trial, w->expo, w->n * sizeof *w->trial);
        for (size_t k = w->n_open; k < w->n_book; k++) w->trial[w->book[k].index] += w->book[k].notional;
        w->trial[i] += side * allowed;
        int over = 0;
        if (trial_over(w, w->var->limit * rq->account->equity, &over) == PR_OK && over) {
            *d = (pr_risk_decision){PR_QTY_NOTIONAL, 0, 0, "portfolio VaR over the limit (risk.var.limit)"};
            return;
        }
    }
    if (why && allowed < want) *d = (pr_risk_decision){PR_QTY_NOTIONAL, allowed, 1, why};
    if (w->n_book < w->n_open + PENDING_MAX)
        w->book[w->n_book++] = (pr_risk_pos){.index = i, .inst = rq->inst, .notional = side * allowed};
}

void pr_risk_watch_record(pr_risk_watch *w, int on) { w->record = on; }

const pr_risk_row *pr_risk_watch_last(const pr_risk_watch *cw) {
    /* A cache filled on demand: the watch itself is never const (made by
     * pr_risk_watch_new), only this view of it. */
    pr_risk_watch *w = (pr_risk_watch *)(uintptr_t)cw;
    if (!w->n) return NULL;
    sync_ring(w);
    if (w->row_due) book_row(w);
    if (w->var_due && row_var(w, &w->last) != PR_OK) w->last.var95 = w->last.cvar95 = NAN;
    w->var_due = 0;
    return &w->last;
}

size_t pr_risk_watch_rows(const pr_risk_watch *w) { return w->n_rows; }

const pr_risk_row *pr_risk_watch_row(const pr_risk_watch *w, size_t i) {
    return i < w->n_rows ? &w->blocks[i >> ROWS_SHIFT][i & (ROWS_PER_BLOCK - 1)] : NULL;
}

void pr_risk_watch_fill(pr_risk_watch *w) { w->dirty = 1; }

int pr_risk_watch_window_get(const pr_risk_watch *cw, pr_risk_var_window *out, pr_err *err) {
    pr_risk_watch *w = (pr_risk_watch *)(uintptr_t)cw;   /* as pr_risk_watch_last */
    if (w->ret) sync_ring(w);
    *out = (pr_risk_var_window){0};
    const pr_risk_var_window *p = &w->pending;
    size_t n = w->ret ? w->n : p->n_inst, rows = w->ret ? w->count : p->n_rows;
    if (!rows) return PR_OK;
    if (!(out->rows = malloc(rows * n * sizeof *out->rows))) return pr_err_set(err, PR_ENOMEM, "risk: out of memory");
    out->n_inst = n;
    out->n_rows = rows;
    if (!w->ret) {
        memcpy(out->rows, p->rows, rows * n * sizeof *out->rows);
        return PR_OK;
    }
    for (size_t j = 0; j < rows; j++) {   /* oldest first */
        size_t row = (w->head + w->cap - rows + j) % w->cap;
        memcpy(out->rows + j * n, w->ret + row * n, n * sizeof *out->rows);
    }
    return PR_OK;
}

int pr_risk_watch_window_set(pr_risk_watch *w, const pr_risk_var_window *win, pr_err *err) {
    if (w->ret) return pr_err_set(err, PR_ESTATE, "risk: the VaR window is restored before the first step");
    pr_risk_var_window_free(&w->pending);
    if (!win->n_rows) return PR_OK;
    size_t cells = win->n_rows * win->n_inst;
    if (!win->n_inst || !(w->pending.rows = malloc(cells * sizeof *win->rows)))
        return win->n_inst ? pr_err_set(err, PR_ENOMEM, "risk: out of memory")
                           : pr_err_set(err, PR_EINVAL, "risk: a VaR window of rows without instruments");
    memcpy(w->pending.rows, win->rows, cells * sizeof *win->rows);
    w->pending.n_inst = win->n_inst;
    w->pending.n_rows = win->n_rows;
    return PR_OK;
}
