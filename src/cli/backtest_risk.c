/* The risk stage's exposure and VaR series in a backtest's outputs: risk.csv
 * beside equity.csv (one row per decision step: gross exposure in total and
 * by asset class, open positions, the book's one-step historical VaR and
 * CVaR at 95%), its summary under "risk" in metrics.json and one line on the
 * terminal. Only runs with a "risk" section have a series. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "backtest_output.h"

/* The asset classes in column order (pr_asset_class values). */
static const pr_asset_class k_cols[] = {PR_ASSET_CRYPTO, PR_ASSET_FOREX, PR_ASSET_STOCK, PR_ASSET_FUTURE,
                                        PR_ASSET_UNKNOWN};
#define N_COLS (sizeof k_cols / sizeof k_cols[0])

static double gross_of(const pr_risk_row *r) {
    double g = 0;
    for (size_t k = 0; k < PR_RISK_CLASSES; k++) g += r->gross[k];
    return g;
}

typedef struct summary {
    double max_gross, max_class[PR_RISK_CLASSES], var_max, var_sum, cvar_max;
    size_t n_var;
    int max_pos;
} summary;

static void summarise(const pr_risk_watch *w, summary *s) {
    size_t n = pr_risk_watch_rows(w);
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < n; i++) {
        const pr_risk_row *r = pr_risk_watch_row(w, i);
        double g = gross_of(r);
        if (g > s->max_gross) s->max_gross = g;
        for (size_t k = 0; k < PR_RISK_CLASSES; k++)
            if (r->gross[k] > s->max_class[k]) s->max_class[k] = r->gross[k];
        if (r->positions > s->max_pos) s->max_pos = r->positions;
        if (r->positions > 0 && !isnan(r->var95)) {
            if (s->n_var == 0 || r->var95 > s->var_max) s->var_max = r->var95;
            if (s->n_var == 0 || r->cvar95 > s->cvar_max) s->cvar_max = r->cvar95;
            s->var_sum += r->var95;
            s->n_var++;
        }
    }
}

static json_t *num(double x) { return isfinite(x) ? json_real(x) : json_null(); }

void bt_risk_series_json(json_t *risk, const pr_risk_watch *w) {
    if (!risk || !w) return;
    summary s;
    summarise(w, &s);
    json_t *by = json_object();
    for (size_t k = 0; k < N_COLS; k++)
        if (s.max_class[k_cols[k]] > 0)
            json_object_set_new(by, pr_asset_class_name(k_cols[k]), num(s.max_class[k_cols[k]]));
    json_object_set_new(risk, "exposure",
                        json_pack("{s:o, s:o, s:i}", "max_gross", num(s.max_gross), "max_gross_by_class", by,
                                  "max_positions", s.max_pos));
    json_object_set_new(risk, "var95",
                        json_pack("{s:I, s:o, s:o, s:o}", "steps", (json_int_t)s.n_var, "max",
                                  num(s.n_var ? s.var_max : NAN), "mean",
                                  num(s.n_var ? s.var_sum / (double)s.n_var : NAN), "cvar_max",
                                  num(s.n_var ? s.cvar_max : NAN)));
}

void bt_risk_series_text(const pr_risk_watch *w, char *buf, size_t cap) {
    summary s;
    summarise(w, &s);
    int k = snprintf(buf, cap, "max gross %.2f, at most %d position%s open", s.max_gross, s.max_pos,
                     s.max_pos == 1 ? "" : "s");
    if (s.n_var && k >= 0 && (size_t)k < cap)
        snprintf(buf + k, cap - (size_t)k, "; VaR95 (1 step) max %.2f, mean %.2f", s.var_max,
                 s.var_sum / (double)s.n_var);
}

static void put_num(pr_wbuf *b, double x) {
    pr_wbuf_char(b, ',');
    if (isfinite(x)) pr_wbuf_num(b, x);   /* NaN (no VaR yet): empty */
}

int bt_risk_series_write(const char *path, const pr_risk_watch *w, pr_err *err) {
    size_t n = pr_risk_watch_rows(w);
    FILE *f = fopen(path, "wb");
    if (!f) {
        pr_err_set(err, PR_EIO, "risk CSV: cannot create: %s", strerror(errno));
        pr_err_at(err, path, 0, 0, NULL);
        return PR_EIO;
    }
    pr_wbuf b;
    int rc = pr_wbuf_open(&b, f, 0);
    if (rc == PR_OK) {
        pr_wbuf_str(&b, "time,equity,gross");
        for (size_t k = 0; k < N_COLS; k++) {
            pr_wbuf_str(&b, ",gross_");
            pr_wbuf_str(&b, pr_asset_class_name(k_cols[k]));
        }
        pr_wbuf_str(&b, ",positions,var95,cvar95\n");
        for (size_t i = 0; i < n; i++) {
            const pr_risk_row *r = pr_risk_watch_row(w, i);
            char t[PR_TIME_STR_MAX];
            pr_wbuf_put(&b, t, pr_time_format_iso(r->ts, t, sizeof t));
            put_num(&b, r->equity);
            put_num(&b, gross_of(r));
            for (size_t k = 0; k < N_COLS; k++) put_num(&b, r->gross[k_cols[k]]);
            put_num(&b, r->positions);
            put_num(&b, r->var95);
            put_num(&b, r->cvar95);
            pr_wbuf_char(&b, '\n');
        }
        rc = pr_wbuf_close(&b);
    }
    if (fclose(f) != 0 && rc == PR_OK) rc = PR_EIO;
    if (rc != PR_OK) {
        pr_err_set(err, rc, "risk CSV: write failed: %s", strerror(errno));
        pr_err_at(err, path, 0, 0, NULL);
    }
    return rc;
}
