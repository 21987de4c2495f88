/* Helpers shared by the engine tests: a tiny CSV reader for
 * `timestamp,open,high,low,close,volume` files (kept local so engine tests do
 * not depend on the data module), bar-sequence builders, a scripted strategy
 * that emits hand-written signals at given bars, and market specs without
 * costs for hand-computed cases. */
#ifndef PR_ENGINE_TEST_H
#define PR_ENGINE_TEST_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/engine.h"

/* Reads a CSV whose first column is a time and the next five OHLCV. */
static inline int et_read_csv(const char *path, pr_timeframe tf, pr_series *out) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    if (pr_series_init(out, 1024) != 0) { fclose(f); return -1; }
    out->tf = tf;
    char line[512];
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        if (first) { first = 0; continue; }
        char *c1 = strchr(line, ',');
        if (!c1) continue;
        int64_t ts;
        if (pr_time_parse(line, (size_t)(c1 - line), &ts, NULL) != 0) { fclose(f); return -1; }
        double v[5] = {0};
        char *p = c1 + 1;
        for (int k = 0; k < 5; k++) {
            char *end;
            v[k] = strtod(p, &end);
            if (end == p) { fclose(f); return -1; }
            p = *end == ',' ? end + 1 : end;
        }
        if (pr_series_push(out, ts, v[0], v[1], v[2], v[3], v[4]) != 0) { fclose(f); return -1; }
    }
    fclose(f);
    return 0;
}

static inline int64_t et_time(int y, int mo, int d, int h, int mi) {
    int64_t t = 0;
    pr_time_make(y, mo, d, h, mi, 0, &t);
    return t;
}

/* Appends a bar to s at s's next hourly slot after t0 (or t0 itself). */
static inline void et_push(pr_series *s, int64_t ts, double o, double h, double l, double c) {
    pr_series_push(s, ts, o, h, l, c, 1.0);
}

/* Hourly bars from rows {o, h, l, c} starting at t0. */
static inline void et_hourly(pr_series *s, int64_t t0, const double (*rows)[4], size_t n) {
    pr_series_init(s, n + 1);
    s->tf = PR_TF_1H;
    for (size_t i = 0; i < n; i++)
        pr_series_push(s, t0 + (int64_t)i * PR_MS_PER_HOUR, rows[i][0], rows[i][1], rows[i][2], rows[i][3], 1.0);
}

/* Sizing of a fixed quantity q. */
static inline pr_sizing et_qty_sizing(double q) {
    pr_sizing z;
    pr_sizing_default(&z);
    z.mode = PR_SIZE_FIXED_QTY;
    z.qty = q;
    return z;
}

/* A market with no costs at all, on a grid of 0.01 price / no lot grid. */
static inline void et_spec_plain(pr_market_spec *m, const char *symbol, pr_asset_class cls) {
    pr_market_spec_default(symbol, cls, m, NULL);
    memset(&m->costs, 0, sizeof m->costs);
    m->inst.tick_size = 0.01;
    m->inst.lot_step = 0;
    m->inst.min_qty = 0;
    m->inst.min_notional = 0;
}

/* ---- scripted strategy: emits prepared signals at given decision-bar indices ---- */
#define ET_MAX_SCRIPT 16
typedef struct et_script {
    pr_strategy base;
    size_t n;
    size_t at[ET_MAX_SCRIPT];      /* bar index (of instrument sig.instrument) */
    pr_signal sig[ET_MAX_SCRIPT];
    size_t calls;
} et_script;

static inline int et_script_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    (void)s; (void)v; (void)err;
    return 0;
}

static inline int et_script_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    et_script *sc = (et_script *)s;
    (void)err;
    sc->calls++;
    for (size_t k = 0; k < sc->n; k++) {
        int inst = sc->sig[k].instrument;
        if (!pr_view_updated(v, inst)) continue;
        if (pr_view_len(v, inst, PR_TF_NONE) != sc->at[k] + 1) continue;
        pr_signal *d = pr_signal_list_add(out, sc->sig[k].kind, inst);
        if (!d) return PR_ELIMIT;
        *d = sc->sig[k];
    }
    return 0;
}

static inline void et_script_destroy(pr_strategy *s) { (void)s; }

static const pr_strategy_vt et_script_vt = {
    .name = "script", .init = et_script_init, .on_bar = et_script_on_bar, .destroy = et_script_destroy};

static inline void et_script_reset(et_script *sc) {
    memset(sc, 0, sizeof *sc);
    sc->base.vt = &et_script_vt;
}

/* Adds a signal at decision bar `at`; returns it for the caller to fill. */
static inline pr_signal *et_script_add(et_script *sc, size_t at, pr_signal_kind kind, int inst) {
    pr_signal *s = &sc->sig[sc->n];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->instrument = inst;
    s->confidence = 1;
    sc->at[sc->n++] = at;
    return s;
}

/* Runs a scripted backtest with one market. */
static inline int et_run1(et_script *sc, const pr_market_spec *spec, const pr_series *bars, const pr_series *fine,
                          const pr_sizing *sizing, double cash, pr_backtest_result *res, pr_err *err) {
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    if (sizing) pc.sizing = *sizing;
    pr_pipeline *p = NULL;
    int rc = pr_pipeline_new(&pc, &sc->base, &p, err);
    if (rc) return rc;
    pr_bt_market mk = {.spec = *spec, .bars = bars, .fine = fine};
    pr_backtest_config bc = {.start_cash = cash, .n_markets = 1, .markets = &mk};
    rc = pr_backtest_run(&bc, p, res, err);
    pr_pipeline_free(p);
    return rc;
}

static inline int et_close(double a, double b, double rel) {
    return fabs(a - b) <= rel * fmax(fabs(a), fabs(b)) + 1e-12;
}
#endif
