/* `proratio backtest`: the funding times of a run that the loaded rates do
 * not cover (stored rates often start years after the bars), reported with
 * their spans and handled as funding.missing says, before the run starts,
 * so that no trade silently pays nothing where rates are missing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "backtest_config.h"

#define SHOWN_SPANS 3

/* "2022-01-01 00:00:00 .. 2024-07-19 00:00:00 (2796 funding times); ..." */
static void describe_spans(const pr_funding_gap *g, size_t n_spans, char *buf, size_t cap) {
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n_spans && i < SHOWN_SPANS && k < cap; i++) {
        char a[32], b[32];
        pr_time_format(g[i].first, a, sizeof a);
        pr_time_format(g[i].last, b, sizeof b);
        int w = g[i].n == 1 ? snprintf(buf + k, cap - k, "%s%s", i ? "; " : "", a)
                            : snprintf(buf + k, cap - k, "%s%s .. %s (%zu funding times)", i ? "; " : "", a, b, g[i].n);
        if (w > 0) k += (size_t)w;
    }
    if (n_spans > SHOWN_SPANS && k < cap) snprintf(buf + k, cap - k, "; %zu spans in all", n_spans);
}

int bt_funding_coverage(const bt_settings *s, size_t i, bt_loaded *ld, pr_market_spec *out, pr_err *err) {
    const bt_market *m = &s->markets[i];
    pr_funding *f = &out->funding;
    if (!f->perpetual || !m->funding[0] || ld->bars.len == 0) return PR_OK;   /* a configured rate covers all */
    /* The run's funding times: from the first traded bar's open to the last
     * bar's close. */
    int64_t from = ld->bars.ts[0];
    if (s->from != PR_TIME_NONE && s->from > from) from = s->from;
    int64_t to = pr_tf_next(ld->bars.tf != PR_TF_NONE ? ld->bars.tf : PR_TF_1M, ld->bars.ts[ld->bars.len - 1]);
    pr_funding_gap g[SHOWN_SPANS];
    size_t n_spans = 0, n_missing = 0;
    if (pr_funding_gaps(f, from, to, g, SHOWN_SPANS, &n_spans, &n_missing) != PR_OK)
        return pr_err_set(err, PR_EINVAL, "%s: bad funding series", m->src.symbol);
    if (n_missing == 0) return PR_OK;
    char spans[320];
    describe_spans(g, n_spans, spans, sizeof spans);
    const char *sym = m->src.symbol;
    if (s->funding_missing == BT_FUNDING_ERROR)
        return pr_err_set(err, PR_ENOTFOUND,
                          "%s: no funding rate (instruments.%s.funding \"%s\") for %zu of the run's funding times: %s; "
                          "load them, or set funding.missing to \"zero\" (charge nothing there) or \"rate\" (charge "
                          "funding.rate there)",
                          sym, sym, m->funding, n_missing, spans);
    if (s->funding_missing == BT_FUNDING_ZERO) {
        f->rate_default = 0;   /* with no rate at all, nothing instead of funding_rate */
        fprintf(stderr, "proratio backtest: warning: %s: no funding rate for %zu of the run's funding times, nothing "
                "charged there (funding.missing \"zero\"): %s\n", sym, n_missing, spans);
        return PR_OK;
    }
    double rate = m->funding_rate.set ? m->funding_rate.v : s->funding_rate.v;
    int64_t *ts = NULL;
    double *rates = NULL;
    size_t n = 0;
    int rc = pr_funding_fill(f, from, to, rate, &ts, &rates, &n, err);
    if (rc != PR_OK) return rc;
    free(ld->fund_ts);
    free(ld->fund_rate);
    ld->fund_ts = ts;
    ld->fund_rate = rates;
    ld->n_fund = n;
    f->ts = ts;
    f->rate = rates;
    f->n = n;
    fprintf(stderr, "proratio backtest: warning: %s: no funding rate for %zu of the run's funding times, %.10g "
            "charged there (funding.missing \"rate\"): %s\n", sym, n_missing, rate, spans);
    return PR_OK;
}
