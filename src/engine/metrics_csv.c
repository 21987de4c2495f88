/* Trades and equity CSV writers. The trades text is also the canonical form
 * that the run fingerprint hashes, so its format is fixed: ISO 8601 UTC
 * times, numbers as the shortest decimal that reads back to the same double
 * (pr_dtoa), RFC 4180 quoting of text. Files are written through one
 * buffered writer (pr_wbuf): a 1M-bar equity curve is 8M numbers. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/metrics_internal.h"

size_t pr_mx_fmt_num(double x, char buf[PR_MX_NUM_MAX]) { return pr_dtoa(x, buf); }

static int put(pr_mx_sink sink, void *ctx, const char *s) { return sink(ctx, s, strlen(s)); }

static int put_num(pr_mx_sink sink, void *ctx, double x, int comma) {
    char b[PR_MX_NUM_MAX + 1];
    size_t k = pr_mx_fmt_num(x, b);
    if (comma) b[k++] = ',';
    return sink(ctx, b, k);
}

/* Text field, quoted when it holds a delimiter, quote or line break. */
static int put_text(pr_mx_sink sink, void *ctx, const char *s, size_t max, int comma) {
    size_t n = strnlen(s, max);
    int rc;
    if (strcspn(s, ",\"\r\n") >= n) {
        rc = sink(ctx, s, n);
    } else {
        rc = sink(ctx, "\"", 1);
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = s[i] == '"' ? sink(ctx, "\"\"", 2) : sink(ctx, &s[i], 1);
        if (rc == 0) rc = sink(ctx, "\"", 1);
    }
    if (rc == 0 && comma) rc = sink(ctx, ",", 1);
    return rc;
}

static int put_time(pr_mx_sink sink, void *ctx, int64_t ts) {
    char b[PR_TIME_STR_MAX + 1];
    size_t k = 0;
    if (ts != PR_TIME_NONE) k = pr_time_format_iso(ts, b, PR_TIME_STR_MAX);
    b[k++] = ',';
    return sink(ctx, b, k);
}

int pr_mx_trades_csv(const pr_trade_record *tr, size_t n, pr_mx_sink sink, void *ctx) {
    int rc = put(sink, ctx,
                 "entry_time,exit_time,instrument,symbol,asset_class,side,qty,entry_price,"
                 "exit_price,gross_pnl,fees,slippage,funding,pnl,risk,tag,reason\n");
    for (size_t i = 0; i < n && rc == 0; i++) {
        const pr_trade_record *t = &tr[i];
        char b[64];
        rc = put_time(sink, ctx, t->entry_ts);
        if (rc == 0) rc = put_time(sink, ctx, t->exit_ts);
        if (rc == 0) {
            snprintf(b, sizeof b, "%d,", t->instrument);
            rc = put(sink, ctx, b);
        }
        if (rc == 0) rc = put_text(sink, ctx, t->symbol, sizeof t->symbol, 1);
        if (rc == 0) {
            snprintf(b, sizeof b, "%s,%s,", pr_asset_class_name(t->cls),
                     t->side > 0 ? "long" : t->side < 0 ? "short" : "flat");
            rc = put(sink, ctx, b);
        }
        const double nums[] = {t->qty, t->entry_price, t->exit_price, t->gross_pnl, t->fees,
                               t->slippage, t->funding, t->pnl, t->risk};
        for (size_t k = 0; k < sizeof nums / sizeof nums[0] && rc == 0; k++)
            rc = put_num(sink, ctx, nums[k], 1);
        if (rc == 0) rc = put_text(sink, ctx, t->tag, sizeof t->tag, 1);
        if (rc == 0) rc = put_text(sink, ctx, t->reason, sizeof t->reason, 0);
        if (rc == 0) rc = sink(ctx, "\n", 1);
    }
    return rc;
}

/* One number column of the equity curve: the bits of the last value
 * written and its text. Consecutive points mostly repeat a column (cash
 * while a position is open, everything while flat) or repeat another column
 * of the same point (equity = cash = balance when flat), and copying the
 * text is ~20x cheaper than formatting it again. Bits, not ==, decide, so
 * -0 and 0 keep their own texts. */
typedef struct col_memo {
    uint64_t bits;
    int set;
    unsigned char len;
    char txt[PR_MX_NUM_MAX];
} col_memo;

#define EQ_COLS 7

/* Straight into the buffered writer (no per-field sink call): a 1M-bar
 * curve is 8M numbers, the bulk of a backtest's output. */
static int equity_csv(const pr_equity_point *eq, size_t n, pr_wbuf *w) {
    pr_wbuf_str(w, "time,equity,equity_gross,cash,balance,margin_used,exposure,drawdown\n");
    double peak = n ? eq[0].equity : 0.0;
    col_memo col[EQ_COLS];
    pr_iso_memo dm = {0};
    memset(col, 0, sizeof col);
    /* time, 7 numbers with their separators */
    char row[PR_TIME_STR_MAX + 1 + EQ_COLS * (PR_MX_NUM_MAX + 1)];
    for (size_t i = 0; i < n && w->status == PR_OK; i++) {
        const pr_equity_point *p = &eq[i];
        if (p->equity > peak) peak = p->equity;
        double dd = peak > 0 ? 1.0 - p->equity / peak : NAN;
        size_t k = p->ts != PR_TIME_NONE ? pr_time_format_iso_memo(p->ts, &dm, row) : 0;
        row[k++] = ',';
        const double nums[EQ_COLS] = {p->equity, p->equity_gross, p->cash, p->balance, p->margin_used,
                                      p->exposure, dd};
        for (size_t j = 0; j < EQ_COLS; j++) {
            uint64_t b;
            memcpy(&b, &nums[j], sizeof b);
            col_memo *c = &col[j];
            if (!c->set || c->bits != b) {
                size_t same = j;
                for (size_t q = 0; q < j && same == j; q++)
                    if (col[q].bits == b) same = q;   /* col[q] already holds this point's value */
                if (same < j) {
                    memcpy(c->txt, col[same].txt, col[same].len);
                    c->len = col[same].len;
                } else {
                    c->len = (unsigned char)pr_mx_fmt_num(nums[j], c->txt);
                }
                c->bits = b;
                c->set = 1;
            }
            memcpy(row + k, c->txt, c->len);
            k += c->len;
            row[k++] = j + 1 < EQ_COLS ? ',' : '\n';
        }
        pr_wbuf_put(w, row, k);
    }
    return w->status;
}

/* Runs one writer into a buffered FILE; the first write error is the result. */
static int buffered(FILE *f, int trades, const void *rows, size_t n) {
    pr_wbuf w;
    int rc = pr_wbuf_open(&w, f, 0);
    if (rc == PR_OK) rc = trades ? pr_mx_trades_csv(rows, n, pr_wbuf_sink, &w) : equity_csv(rows, n, &w);
    int rc2 = pr_wbuf_close(&w);
    return rc ? rc : rc2;
}

int pr_fwrite_trades_csv(FILE *f, const pr_trade_record *tr, size_t n, pr_err *err) {
    if (!f || (n && !tr)) return pr_err_set(err, PR_EINVAL, "trades CSV: no file or no trades");
    int rc = buffered(f, 1, tr, n);
    if (rc == PR_ENOMEM) return pr_err_set(err, PR_ENOMEM, "trades CSV: out of memory");
    if (rc != 0) return pr_err_set(err, PR_EIO, "trades CSV: write failed: %s", strerror(errno));
    return PR_OK;
}

int pr_fwrite_equity_csv(FILE *f, const pr_equity_point *eq, size_t n, pr_err *err) {
    if (!f || (n && !eq)) return pr_err_set(err, PR_EINVAL, "equity CSV: no file or no points");
    int rc = buffered(f, 0, eq, n);
    if (rc == PR_ENOMEM) return pr_err_set(err, PR_ENOMEM, "equity CSV: out of memory");
    if (rc != 0) return pr_err_set(err, PR_EIO, "equity CSV: write failed: %s", strerror(errno));
    return PR_OK;
}

static int write_path(const char *path, const char *what, int trades, const void *rows, size_t n,
                      pr_err *err) {
    if (!path) return pr_err_set(err, PR_EINVAL, "%s: no path", what);
    FILE *f = fopen(path, "wb");
    if (!f) {
        pr_err_set(err, PR_EIO, "%s: cannot create: %s", what, strerror(errno));
        pr_err_at(err, path, 0, 0, NULL);
        return PR_EIO;
    }
    int rc = trades ? pr_fwrite_trades_csv(f, rows, n, err) : pr_fwrite_equity_csv(f, rows, n, err);
    if (fclose(f) != 0 && rc == PR_OK) rc = pr_err_set(err, PR_EIO, "%s: close failed: %s", what, strerror(errno));
    if (rc != PR_OK) pr_err_at(err, path, 0, 0, NULL);
    return rc;
}

int pr_write_trades_csv(const char *path, const pr_trade_record *tr, size_t n, pr_err *err) {
    return write_path(path, "trades CSV", 1, tr, n, err);
}

int pr_write_equity_csv(const char *path, const pr_equity_point *eq, size_t n, pr_err *err) {
    return write_path(path, "equity CSV", 0, eq, n, err);
}
