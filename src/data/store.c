/* Store front end: picks the backend from the URL, checks arguments,
 * normalises input (sorts, drops superseded duplicates), owns transaction
 * state (implicit per-call transactions, doomed user transactions) and
 * sorts/filters listings, so both backends behave the same by construction. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "data/store_internal.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */
int pr_store_db_err(pr_err *err, const char *code, const char *what, const char *fmt, ...) {
    char msg[PR_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Backend messages often end in newlines and tab-indented hints. */
    size_t j = 0;
    for (size_t i = 0; msg[i]; i++) {
        char c = msg[i];
        if (c == '\n' || c == '\t' || c == '\r') {
            if (j > 0 && msg[j - 1] != ' ') msg[j++] = ' ';
            continue;
        }
        msg[j++] = c;
    }
    while (j > 0 && msg[j - 1] == ' ') j--;
    msg[j] = '\0';
    if (err) pr_strlcpy(err->venue_code, code ? code : "", sizeof err->venue_code);
    return pr_err_set(err, PR_EDB, "store %s: %s", what, msg);
}

int pr_store_series_grow(pr_series *s, size_t need, pr_err *err) {
    if (need <= s->cap) return PR_OK;
    size_t cap = s->cap ? s->cap : 1024;
    while (cap < need) cap *= 2;
    int rc = pr_series_reserve(s, cap);
    if (rc != PR_OK) return pr_err_set(err, PR_ENOMEM, "store: out of memory for %zu bars", cap);
    return PR_OK;
}

/* Writes accept only printable names (pr_name_check); reads only need a
 * name that fits, so a store written before the check can still be listed
 * and read. */
static int check_name(const char *what, const char *s, int write, pr_err *err) {
    if (!s || !*s) return pr_err_set(err, PR_EINVAL, "store: %s must not be empty", what);
    if (write) return pr_name_check(what, s, err);
    if (strnlen(s, PR_SYMBOL_MAX) >= PR_SYMBOL_MAX)
        return pr_err_set(err, PR_EINVAL, "store: %s longer than %d bytes", what, PR_SYMBOL_MAX - 1);
    return PR_OK;
}

static int make_key(const char *venue, const char *symbol, pr_timeframe tf, int write, pr_store_key *k,
                    pr_err *err) {
    int rc = check_name("venue", venue, write, err);
    if (rc == PR_OK) rc = check_name("symbol", symbol, write, err);
    if (rc != PR_OK) return rc;
    if (tf <= PR_TF_NONE || tf >= PR_TF_COUNT)
        return pr_err_set(err, PR_EINVAL, "store: invalid timeframe %d", (int)tf);
    k->venue = venue;
    k->symbol = symbol;
    k->tf = pr_tf_name(tf);
    return PR_OK;
}

/* Half-open [from, to) with PR_TIME_NONE bounds -> inclusive [lo, hi];
 * returns 0 when the range is empty. */
static int range_bounds(int64_t from, int64_t to, int64_t *lo, int64_t *hi) {
    *lo = from == PR_TIME_NONE ? INT64_MIN : from;
    *hi = to == PR_TIME_NONE ? INT64_MAX : to - 1;
    return *lo <= *hi;
}

static int doomed_err(pr_store *st, pr_err *err) {
    return pr_err_set(err, PR_ESTATE,
                      "store: transaction aborted by an earlier error (%s); roll it back",
                      st->doom_msg);
}

static void doom(pr_store *st, const pr_err *err) {
    if (st->doomed) return;
    st->doomed = 1;
    pr_strlcpy(st->doom_msg, err && err->msg[0] ? err->msg : "database error",
               sizeof st->doom_msg);
}

/* Every read or write goes through this pair. Outside a user transaction a
 * write gets its own transaction, so each call is all-or-nothing; inside
 * one, a failure dooms the user transaction. */
static int op_begin(pr_store *st, int write, int *own, pr_err *err) {
    *own = 0;
    if (st->in_tx) return st->doomed ? doomed_err(st, err) : PR_OK;
    if (!write) return PR_OK;
    int rc = st->ops->begin(st, err);
    if (rc == PR_OK) *own = 1;
    return rc;
}

static int op_end(pr_store *st, int own, int rc, pr_err *err) {
    if (own) {
        if (rc == PR_OK) {
            rc = st->ops->commit(st, err);
            if (rc != PR_OK) st->ops->rollback(st, NULL);
        } else {
            st->ops->rollback(st, NULL);
        }
    } else if (st->in_tx && rc != PR_OK && rc != PR_ENOTFOUND) {
        doom(st, err);
    }
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Opening                                                                   */
/* ------------------------------------------------------------------------ */
/* "scheme://" with an RFC 3986 scheme; *len receives the scheme length. */
static int has_scheme(const char *url, size_t *len) {
    size_t i = 0;
    if (!isalpha((unsigned char)url[0])) return 0;
    while (isalnum((unsigned char)url[i]) || url[i] == '+' || url[i] == '-' || url[i] == '.') i++;
    if (strncmp(url + i, "://", 3) != 0) return 0;
    *len = i;
    return 1;
}

/* A read-only open neither migrates nor writes: the schema must already be
 * the one this program knows. */
static int check_schema_ro(pr_store *st, pr_err *err) {
    size_t own_n = 0;
    st->ops->migrations(&own_n);
    int64_t exists = 0, cur = 0;
    int found = 0;
    int rc = st->ops->query_int(st, st->ops->version_table_exists_sql, &exists, &found, err);
    if (rc != PR_OK) return rc;
    if (!exists)
        return pr_err_set(err, PR_ENOTFOUND, "store %s holds no proratio data (no schema); import "
                          "data first with 'proratio data import'", st->desc);
    rc = st->ops->query_int(st, "SELECT MAX(version) FROM schema_version", &cur, &found, err);
    if (rc != PR_OK) return rc;
    if (cur > (int64_t)own_n)
        return pr_err_set(err, PR_EUNSUPPORTED,
                          "store: schema version %lld is newer than this program understands "
                          "(%lld); upgrade proratio", (long long)cur, (long long)own_n);
    if (cur < (int64_t)own_n)
        return pr_err_set(err, PR_EUNSUPPORTED,
                          "store %s has schema version %lld, older than this program's %lld; a "
                          "read-only command does not upgrade it: run a writing command (e.g. "
                          "'proratio data import') on it once", st->desc, (long long)cur,
                          (long long)own_n);
    return PR_OK;
}

/* Migration 3 adds the summary columns empty (calendar ''): the first
 * writer to open the store builds them, once, from the stored bars. */
static int build_summaries(pr_store *st, pr_err *err) {
    int64_t v = 0, stale = 0;
    int found = 0;
    int rc = st->ops->query_int(st, "SELECT MAX(version) FROM schema_version", &v, &found, err);
    if (rc != PR_OK || v < 3) return rc;
    rc = st->ops->query_int(st, "SELECT COUNT(*) FROM datasets WHERE calendar = ''", &stale,
                            &found, err);
    if (rc != PR_OK || stale == 0) return rc;
    rc = st->ops->begin(st, err);
    if (rc != PR_OK) return rc;
    rc = pr_store_summary_refresh(st, NULL, NULL, err);
    if (rc == PR_OK) rc = st->ops->commit(st, err);
    if (rc != PR_OK) st->ops->rollback(st, NULL);
    return rc;
}

int pr_store_open_ex(const char *url, const pr_store_open_opts *o, pr_store **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "store: NULL output");
    *out = NULL;
    if (!url || !*url) return pr_err_set(err, PR_EINVAL, "store: empty store URL");
    const pr_store_options *po = o ? o->pub : NULL;
    int ro = po && po->read_only;
    pr_store *st = NULL;
    int rc;
    size_t slen = 0;
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        rc = pr_store_pg_open(url, &st, err);
        if (rc == PR_OK && ro)
            rc = st->ops->exec(st, "SET default_transaction_read_only = on", "open read-only", err);
        if (rc != PR_OK && st) {
            st->ops->close(st);
            return rc;
        }
    } else if (strncmp(url, "sqlite:", 7) == 0) {
        const char *path = url + 7;
        if (strncmp(path, "//", 2) == 0) path += 2;
        if (!*path) return pr_err_set(err, PR_EINVAL, "store: '%s' names no SQLite file", url);
        rc = pr_store_sqlite_open(path, po, &st, err);
    } else if (has_scheme(url, &slen)) {
        return pr_err_set(err, PR_EUNSUPPORTED,
                          "store: unsupported URL scheme '%.*s' (use sqlite:PATH, a file "
                          "path, or postgresql://...)",
                          (int)(slen > 32 ? 32 : slen), url);
    } else {
        rc = pr_store_sqlite_open(url, po, &st, err);
    }
    if (rc != PR_OK) return rc;
    if (o && o->raw) {
        *out = st;
        return PR_OK;
    }
    if (ro) rc = check_schema_ro(st, err);
    else
        rc = pr_store_migrate(st, o ? o->target_version : -1, o ? o->extra_migrations : NULL,
                              o ? o->n_extra : 0, err);
    if (rc == PR_OK && !ro) rc = build_summaries(st, err);
    if (rc != PR_OK) {
        st->ops->close(st);
        return rc;
    }
    *out = st;
    return PR_OK;
}

int pr_store_open(const char *url, pr_store **out, pr_err *err) {
    return pr_store_open_ex(url, NULL, out, err);
}

int pr_store_open_with(const char *url, const pr_store_options *opts, pr_store **out,
                       pr_err *err) {
    pr_store_open_opts o = {-1, NULL, 0, 0, opts};
    return pr_store_open_ex(url, &o, out, err);
}

void pr_store_close(pr_store *st) {
    if (!st) return;
    if (st->in_tx) st->ops->rollback(st, NULL);
    st->ops->close(st);
}

pr_store_backend pr_store_kind(const pr_store *st) { return st->kind; }

const char *pr_store_describe(const pr_store *st) { return st ? st->desc : ""; }

int pr_store_exec_sql(pr_store *st, const char *sql, pr_err *err) {
    if (!st || !sql) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    if (st->in_tx && st->doomed) return doomed_err(st, err);
    int rc = st->ops->exec(st, sql, "exec", err);
    if (rc != PR_OK && st->in_tx) doom(st, err);
    return rc;
}

int pr_store_query_int(pr_store *st, const char *sql, int64_t *out, pr_err *err) {
    if (!st || !sql || !out) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    if (st->in_tx && st->doomed) return doomed_err(st, err);
    int found = 0;
    int rc = st->ops->query_int(st, sql, out, &found, err);
    if (rc != PR_OK) {
        if (st->in_tx) doom(st, err);
        return rc;
    }
    if (!found) return pr_err_set(err, PR_ENOTFOUND, "store: query returned no value");
    return PR_OK;
}

int pr_store_schema_version(pr_store *st, int *out, pr_err *err) {
    if (!st || !out) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    int64_t v = 0;
    int rc = pr_store_query_int(st, "SELECT MAX(version) FROM schema_version", &v, err);
    if (rc == PR_ENOTFOUND) {
        pr_err_clear(err);
        v = 0;
        rc = PR_OK;
    }
    if (rc == PR_OK) *out = (int)v;
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Transactions                                                              */
/* ------------------------------------------------------------------------ */
int pr_store_begin(pr_store *st, pr_err *err) {
    if (!st) return pr_err_set(err, PR_EINVAL, "store: NULL store");
    if (st->in_tx) return pr_err_set(err, PR_ESTATE, "store: a transaction is already open");
    int rc = st->ops->begin(st, err);
    if (rc != PR_OK) return rc;
    st->in_tx = 1;
    st->doomed = 0;
    st->doom_msg[0] = '\0';
    return PR_OK;
}

int pr_store_commit(pr_store *st, pr_err *err) {
    if (!st) return pr_err_set(err, PR_EINVAL, "store: NULL store");
    if (!st->in_tx) return pr_err_set(err, PR_ESTATE, "store: commit without a transaction");
    int rc;
    if (st->doomed) {
        st->ops->rollback(st, NULL);
        rc = pr_err_set(err, PR_ESTATE,
                        "store: transaction rolled back because an operation in it failed (%s)",
                        st->doom_msg);
    } else {
        rc = st->ops->commit(st, err);
        if (rc != PR_OK) st->ops->rollback(st, NULL);
    }
    st->in_tx = 0;
    st->doomed = 0;
    return rc;
}

int pr_store_rollback(pr_store *st, pr_err *err) {
    if (!st) return pr_err_set(err, PR_EINVAL, "store: NULL store");
    if (!st->in_tx) return pr_err_set(err, PR_ESTATE, "store: rollback without a transaction");
    int rc = st->ops->rollback(st, err);
    st->in_tx = 0;
    st->doomed = 0;
    return rc;
}

int pr_store_in_transaction(const pr_store *st) { return st && st->in_tx; }

/* ------------------------------------------------------------------------ */
/* Candles                                                                   */
/* ------------------------------------------------------------------------ */
typedef struct ts_idx {
    int64_t ts;
    size_t i;
} ts_idx;

static int cmp_ts_idx(const void *a, const void *b) {
    const ts_idx *x = a, *y = b;
    if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Sorted unique order of ts[0..n) keeping the last of equal keys, as
 * indices into the input. */
static int unique_order(const int64_t *ts, size_t n, size_t **order, size_t *m, pr_err *err) {
    ts_idx *t = malloc(n * sizeof *t);
    size_t *o = malloc(n * sizeof *o);
    if (!t || !o) {
        free(t);
        free(o);
        return pr_err_set(err, PR_ENOMEM, "store: out of memory sorting %zu rows", n);
    }
    for (size_t i = 0; i < n; i++) t[i] = (ts_idx){ts[i], i};
    qsort(t, n, sizeof *t, cmp_ts_idx);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && t[i + 1].ts == t[i].ts) continue;
        o[k++] = t[i].i;
    }
    free(t);
    *order = o;
    *m = k;
    return PR_OK;
}

static int strictly_increasing(const int64_t *ts, size_t n) {
    for (size_t i = 1; i < n; i++)
        if (ts[i] <= ts[i - 1]) return 0;
    return 1;
}

static const char *const col_names[PR_STORE_NCOLS] = {"open", "high", "low", "close", "volume"};

const char *pr_on_conflict_name(pr_on_conflict p) {
    switch (p) {
    case PR_ON_CONFLICT_REPLACE: return "replace";
    case PR_ON_CONFLICT_KEEP: return "keep";
    case PR_ON_CONFLICT_FAIL: return "fail";
    }
    return "?";
}

int pr_on_conflict_parse(const char *s, pr_on_conflict *out) {
    for (int p = PR_ON_CONFLICT_REPLACE; p <= PR_ON_CONFLICT_FAIL; p++)
        if (s && strcmp(s, pr_on_conflict_name((pr_on_conflict)p)) == 0) {
            *out = (pr_on_conflict)p;
            return PR_OK;
        }
    return PR_EINVAL;
}

int pr_store_resolve(const pr_store_put_opts *o, const pr_store_key *k, int64_t ts,
                     const double old[5], const double in[5], double merged[5],
                     pr_store_counts *c, pr_err *err) {
    const unsigned cols = o && o->columns ? o->columns : PR_STORE_COL_ALL;
    unsigned diff = 0;
    for (int j = 0; j < PR_STORE_NCOLS; j++) {
        const int have = (cols >> j) & 1u;
        merged[j] = have ? pr_store_norm0(in[j]) : old[j];
        if (have && old[j] != merged[j]) diff |= 1u << j;
    }
    if (!diff) return 0;
    for (int j = 0; j < PR_STORE_NCOLS; j++) c->changed[j] += (diff >> j) & 1u;
    const pr_on_conflict p = o ? o->on_conflict : PR_ON_CONFLICT_REPLACE;
    if (p == PR_ON_CONFLICT_KEEP) {
        c->kept++;
        return 0;
    }
    if (p == PR_ON_CONFLICT_FAIL) {
        char when[40], which[48] = "";
        size_t len = 0;
        pr_time_format_iso(ts, when, sizeof when);
        for (int j = 0; j < PR_STORE_NCOLS; j++)
            if ((diff >> j) & 1u)
                len += (size_t)snprintf(which + len, sizeof which - len, "%s%s", len ? "," : "",
                                        col_names[j]);
        return pr_err_set(err, PR_EDATA,
                          "store: %s/%s/%s bar %s is already stored with another %s "
                          "(on-conflict fail)",
                          k->venue, k->symbol, k->tf, when, which);
    }
    return 1;
}

static int put_bars_impl(pr_store *st, const char *venue, const char *symbol,
                         pr_timeframe tf, const int64_t *ts, const double *open,
                         const double *high, const double *low, const double *close,
                         const double *volume, size_t n, const pr_store_put_opts *o,
                         pr_store_counts *counts, pr_err *err) {
    if (counts) memset(counts, 0, sizeof *counts);
    if (!st) return pr_err_set(err, PR_EINVAL, "store: NULL store");
    pr_store_key k;
    int rc = make_key(venue, symbol, tf, 1, &k, err);
    if (rc != PR_OK) return rc;
    if (n == 0) return st->in_tx && st->doomed ? doomed_err(st, err) : PR_OK;
    if (!ts || !open || !high || !low || !close || !volume)
        return pr_err_set(err, PR_EINVAL, "store: NULL bar column");
    const double *cols[5] = {open, high, low, close, volume};
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 5; c++)
            if (!isfinite(cols[c][i])) {
                char when[40];
                pr_time_format_iso(ts[i], when, sizeof when);
                pr_err_set(err, PR_EINVAL, "store: bar %zu (%s) of %s/%s/%s: %s is not finite",
                           i, when, venue, symbol, k.tf, col_names[c]);
                pr_err_at(err, NULL, 0, 0, col_names[c]);
                return PR_EINVAL;
            }

    pr_store_bars b = {ts, open, high, low, close, volume, n};
    int64_t *sts = NULL;
    double *sv = NULL;
    if (!strictly_increasing(ts, n)) {
        size_t *ord = NULL, m = 0;
        rc = unique_order(ts, n, &ord, &m, err);
        if (rc != PR_OK) return rc;
        sts = malloc(m * sizeof *sts);
        sv = malloc(5 * m * sizeof *sv);
        if (!sts || !sv) {
            free(ord);
            free(sts);
            free(sv);
            return pr_err_set(err, PR_ENOMEM, "store: out of memory sorting %zu bars", n);
        }
        for (size_t i = 0; i < m; i++) {
            sts[i] = ts[ord[i]];
            for (int c = 0; c < 5; c++) sv[(size_t)c * m + i] = cols[c][ord[i]];
        }
        free(ord);
        b = (pr_store_bars){sts, sv, sv + m, sv + 2 * m, sv + 3 * m, sv + 4 * m, m};
    }

    int own = 0;
    pr_store_counts c;
    memset(&c, 0, sizeof c);
    rc = op_begin(st, 1, &own, err);
    if (rc == PR_OK) {
        pr_store_summary_delta d;
        rc = pr_store_summary_before(st, &k, b.ts, b.n, &d, err);
        if (rc == PR_OK) rc = st->ops->put_bars(st, &k, &b, o, &c, err);
        if (rc == PR_OK) rc = pr_store_summary_after(st, &k, tf, b.ts, b.n, c.inserted, &d, err);
        pr_store_summary_delta_free(&d);
        rc = op_end(st, own, rc, err);
    }
    if (rc == PR_OK && counts) {
        *counts = c;
        counts->unchanged = b.n - c.inserted - c.updated - c.kept;
        counts->duplicates = n - b.n;
    }
    free(sts);
    free(sv);
    return rc;
}

int pr_store_put_bars_arrays(pr_store *st, const char *venue, const char *symbol,
                             pr_timeframe tf, const int64_t *ts, const double *open,
                             const double *high, const double *low, const double *close,
                             const double *volume, size_t n, pr_store_counts *counts,
                             pr_err *err) {
    return put_bars_impl(st, venue, symbol, tf, ts, open, high, low, close, volume, n, NULL,
                         counts, err);
}

int pr_store_put_bars_ex(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                         const pr_series *bars, const pr_store_put_opts *o,
                         pr_store_counts *counts, pr_err *err) {
    if (!bars) return pr_err_set(err, PR_EINVAL, "store: NULL series");
    if (o && (o->on_conflict < PR_ON_CONFLICT_REPLACE || o->on_conflict > PR_ON_CONFLICT_FAIL ||
              (o->columns & ~PR_STORE_COL_ALL)))
        return pr_err_set(err, PR_EINVAL, "store: invalid put options");
    return put_bars_impl(st, venue, symbol, tf, bars->ts, bars->open, bars->high, bars->low,
                         bars->close, bars->volume, bars->len, o, counts, err);
}

int pr_store_put_bars(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                      const pr_series *bars, pr_store_counts *counts, pr_err *err) {
    if (!bars) return pr_err_set(err, PR_EINVAL, "store: NULL series");
    return pr_store_put_bars_arrays(st, venue, symbol, tf, bars->ts, bars->open, bars->high,
                                    bars->low, bars->close, bars->volume, bars->len, counts,
                                    err);
}

int pr_store_get_bars(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                      int64_t from_ms, int64_t to_ms, pr_series *out, pr_err *err) {
    if (!st || !out) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    pr_store_key k;
    int rc = make_key(venue, symbol, tf, 0, &k, err);
    if (rc != PR_OK) return rc;
    out->len = 0;
    out->tf = tf;
    out->last_incomplete = 0;
    pr_strlcpy(out->symbol, symbol, sizeof out->symbol);
    int64_t lo, hi;
    int own;
    rc = op_begin(st, 0, &own, err);
    if (rc != PR_OK) return rc;
    if (!range_bounds(from_ms, to_ms, &lo, &hi)) return PR_OK;
    rc = st->ops->get_bars(st, &k, lo, hi, out, err);
    if (rc != PR_OK) out->len = 0;
    return op_end(st, own, rc, err);
}

int pr_store_get_timestamps(pr_store *st, const char *venue, const char *symbol,
                            pr_timeframe tf, int64_t from_ms, int64_t to_ms, int64_t **out,
                            size_t *n, pr_err *err) {
    if (!st || !out || !n) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    *out = NULL;
    *n = 0;
    pr_store_key k;
    int rc = make_key(venue, symbol, tf, 0, &k, err);
    if (rc != PR_OK) return rc;
    int64_t lo, hi;
    int own;
    rc = op_begin(st, 0, &own, err);
    if (rc != PR_OK) return rc;
    if (!range_bounds(from_ms, to_ms, &lo, &hi)) return PR_OK;
    rc = st->ops->get_ts(st, &k, lo, hi, out, n, err);
    if (rc != PR_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return op_end(st, own, rc, err);
}

/* ------------------------------------------------------------------------ */
/* Datasets                                                                  */
/* ------------------------------------------------------------------------ */
static int cmp_dataset(const void *a, const void *b) {
    const pr_dataset_info *x = a, *y = b;
    int c = strcmp(x->venue, y->venue);
    if (c == 0) c = strcmp(x->symbol, y->symbol);
    if (c == 0) c = (x->tf > y->tf) - (x->tf < y->tf);
    return c;
}

static int load_datasets(pr_store *st, pr_dataset_info **out, size_t *n, pr_err *err) {
    pr_store_dataset_row *rows = NULL;
    size_t m = 0;
    int own;
    int rc = op_begin(st, 0, &own, err);
    if (rc != PR_OK) return rc;
    rc = op_end(st, own, st->ops->list_datasets(st, &rows, &m, err), err);
    if (rc != PR_OK) return rc;
    pr_dataset_info *v = m ? malloc(m * sizeof *v) : NULL;
    if (m && !v) {
        free(rows);
        return pr_err_set(err, PR_ENOMEM, "store: out of memory listing datasets");
    }
    size_t k = 0;
    for (size_t i = 0; rc == PR_OK && i < m; i++) {
        const pr_store_dataset_row *r = &rows[i];
        pr_dataset_info d = r->info;
        /* A timeframe this program does not know cannot be read as bars. */
        if (pr_tf_parse(r->tf_name, &d.tf) != PR_OK) continue;
        if (!r->asset_class[0] || pr_asset_class_parse(r->asset_class, &d.asset_class) != PR_OK)
            d.asset_class = PR_ASSET_UNKNOWN;
        pr_store_summary s = {r->info.count, r->sat, r->sun, r->info.gaps, r->info.missing_bars,
                              r->info.first_ts, r->info.last_ts, PR_CAL_AUTO};
        if (!r->calendar[0] || pr_calendar_parse(r->calendar, &d.calendar) != PR_OK)
            d.calendar = PR_CAL_AUTO;
        /* A summary not built yet, or on a calendar the asset class no
         * longer gives (a store written before summaries existed, read by
         * a read-only command): counted from the bars, not stored. */
        if (d.calendar == PR_CAL_AUTO || d.calendar != pr_store_summary_calendar(r->asset_class, &s, d.tf)) {
            pr_store_key key = {r->info.venue, r->info.symbol, r->tf_name};
            rc = op_begin(st, 0, &own, err);
            if (rc == PR_OK)
                rc = op_end(st, own, pr_store_summary_rebuild(st, &key, d.tf, &s, 0, 0, err), err);
            d.calendar = s.calendar;
            d.gaps = s.gaps;
            d.missing_bars = s.missing;
        }
        v[k++] = d;
    }
    free(rows);
    if (rc != PR_OK) {
        free(v);
        return rc;
    }
    if (k > 1) qsort(v, k, sizeof *v, cmp_dataset);
    if (k == 0) {
        free(v);
        v = NULL;
    }
    *out = v;
    *n = k;
    return PR_OK;
}

int pr_store_list(pr_store *st, const pr_dataset_filter *f, pr_dataset_info **out, size_t *n,
                  pr_err *err) {
    if (!st || !out || !n) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    *out = NULL;
    *n = 0;
    pr_dataset_info *v = NULL;
    size_t m = 0;
    int rc = load_datasets(st, &v, &m, err);
    if (rc != PR_OK) return rc;
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (f) {
            if (f->venue && strcmp(f->venue, v[i].venue) != 0) continue;
            if (f->symbol && strcmp(f->symbol, v[i].symbol) != 0) continue;
            if (f->tf != PR_TF_NONE && f->tf != v[i].tf) continue;
            if (f->asset_class != PR_ASSET_UNKNOWN && f->asset_class != v[i].asset_class)
                continue;
        }
        v[k++] = v[i];
    }
    if (k == 0) {
        free(v);
        v = NULL;
    }
    *out = v;
    *n = k;
    return PR_OK;
}

int pr_store_dataset(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                     pr_dataset_info *out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    pr_store_key k;
    int rc = make_key(venue, symbol, tf, 0, &k, err);
    if (rc != PR_OK) return rc;
    pr_dataset_filter f = {venue, symbol, tf, PR_ASSET_UNKNOWN};
    pr_dataset_info *v = NULL;
    size_t n = 0;
    rc = pr_store_list(st, &f, &v, &n, err);
    if (rc != PR_OK) return rc;
    if (n == 0)
        return pr_err_set(err, PR_ENOTFOUND, "store: no dataset %s/%s/%s", venue, symbol, k.tf);
    *out = v[0];
    free(v);
    return PR_OK;
}

int pr_store_dataset_gaps(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                          pr_gap **out, size_t *n, pr_err *err) {
    if (!st || !out || !n) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    *out = NULL;
    *n = 0;
    pr_store_key k;
    int rc = make_key(venue, symbol, tf, 0, &k, err);
    if (rc != PR_OK) return rc;
    int own;
    rc = op_begin(st, 0, &own, err);
    if (rc != PR_OK) return rc;
    rc = op_end(st, own, pr_store_summary_gaps(st, &k, tf, out, n, err), err);
    if (rc != PR_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int pr_store_delete_dataset(pr_store *st, const char *venue, const char *symbol,
                            pr_timeframe tf, size_t *deleted, pr_err *err) {
    if (deleted) *deleted = 0;
    if (!st) return pr_err_set(err, PR_EINVAL, "store: NULL store");
    pr_store_key k;
    int rc = make_key(venue, symbol, tf, 0, &k, err);
    if (rc != PR_OK) return rc;
    size_t d = 0;
    int own;
    rc = op_begin(st, 1, &own, err);
    if (rc != PR_OK) return rc;
    rc = pr_store_lock_dataset(st, &k, err);
    if (rc == PR_OK) rc = st->ops->delete_dataset(st, &k, &d, err);
    if (rc == PR_OK) rc = st->ops->gaps_delete(st, &k, INT64_MIN, INT64_MAX, err);
    if (rc == PR_OK && d == 0)
        rc = pr_err_set(err, PR_ENOTFOUND, "store: no dataset %s/%s/%s", venue, symbol, k.tf);
    rc = op_end(st, own, rc, err);
    if (rc == PR_OK && deleted) *deleted = d;
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Instruments                                                               */
/* ------------------------------------------------------------------------ */
int pr_store_put_instrument(pr_store *st, const pr_instrument *in, pr_err *err) {
    if (!st || !in) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    int rc = check_name("venue", in->venue, 1, err);
    if (rc == PR_OK) rc = check_name("symbol", in->symbol, 1, err);
    if (rc != PR_OK) return rc;
    if (memchr(in->base, 0, sizeof in->base) == NULL || memchr(in->quote, 0, sizeof in->quote) == NULL)
        return pr_err_set(err, PR_EINVAL, "store: instrument base/quote not terminated");
    const double v[6] = {in->tick_size, in->lot_step, in->min_qty, in->min_notional,
                         in->pip_size, in->contract_multiplier};
    for (int i = 0; i < 6; i++)
        if (!isfinite(v[i]))
            return pr_err_set(err, PR_EINVAL, "store: instrument %s/%s has a non-finite size",
                              in->venue, in->symbol);
    int own;
    rc = op_begin(st, 1, &own, err);
    if (rc != PR_OK) return rc;
    rc = st->ops->put_instrument(st, in, pr_asset_class_name(in->asset_class), pr_time_now_ms(),
                                 err);
    /* A new asset class may judge the instrument's gaps on another calendar. */
    if (rc == PR_OK) rc = pr_store_summary_refresh(st, in->venue, in->symbol, err);
    return op_end(st, own, rc, err);
}

int pr_store_ensure_instrument(pr_store *st, const char *venue, const char *symbol, const char *like,
                               pr_asset_class cls, pr_err *err) {
    pr_instrument in;
    int rc = pr_store_get_instrument(st, venue, symbol, &in, err);
    if (rc == PR_OK) {
        if (in.asset_class != PR_ASSET_UNKNOWN || cls == PR_ASSET_UNKNOWN) return PR_OK;
    } else if (rc != PR_ENOTFOUND) {
        return rc;
    }
    pr_err_clear(err);
    rc = pr_instrument_default(like ? like : symbol, cls, &in, err);
    if (rc != PR_OK) return rc;
    pr_strlcpy(in.venue, venue, sizeof in.venue);
    pr_strlcpy(in.symbol, symbol, sizeof in.symbol);
    return pr_store_put_instrument(st, &in, err);
}

static int load_instruments(pr_store *st, const char *venue, const char *symbol,
                            pr_instrument **out, size_t *n, pr_err *err) {
    char (*cls)[16] = NULL;
    int own;
    int rc = op_begin(st, 0, &own, err);
    if (rc != PR_OK) return rc;
    rc = op_end(st, own, st->ops->get_instruments(st, venue, symbol, out, &cls, n, err), err);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < *n; i++)
        if (pr_asset_class_parse(cls[i], &(*out)[i].asset_class) != PR_OK)
            (*out)[i].asset_class = PR_ASSET_UNKNOWN;
    free(cls);
    return PR_OK;
}

int pr_store_get_instrument(pr_store *st, const char *venue, const char *symbol,
                            pr_instrument *out, pr_err *err) {
    if (!st || !out) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    int rc = check_name("venue", venue, 0, err);
    if (rc == PR_OK) rc = check_name("symbol", symbol, 0, err);
    if (rc != PR_OK) return rc;
    pr_instrument *v = NULL;
    size_t n = 0;
    rc = load_instruments(st, venue, symbol, &v, &n, err);
    if (rc != PR_OK) return rc;
    if (n == 0) {
        free(v);
        return pr_err_set(err, PR_ENOTFOUND, "store: no instrument %s/%s", venue, symbol);
    }
    *out = v[0];
    free(v);
    return PR_OK;
}

static int cmp_instrument(const void *a, const void *b) {
    const pr_instrument *x = a, *y = b;
    int c = strcmp(x->venue, y->venue);
    return c ? c : strcmp(x->symbol, y->symbol);
}

int pr_store_list_instruments(pr_store *st, const char *venue, pr_instrument **out, size_t *n,
                              pr_err *err) {
    if (!st || !out || !n) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    *out = NULL;
    *n = 0;
    int rc = load_instruments(st, venue, NULL, out, n, err);
    if (rc != PR_OK) return rc;
    if (*n > 1) qsort(*out, *n, sizeof **out, cmp_instrument);
    if (*n == 0) {
        free(*out);
        *out = NULL;
    }
    return PR_OK;
}

/* ------------------------------------------------------------------------ */
/* Funding rates                                                             */
/* ------------------------------------------------------------------------ */
/* Keep and fail policies for funding: rates stored with another value are
 * taken out of ts/rate (keep: counted in c->kept) or fail the call, before
 * the backend's upsert sees them. The rate is column 0 of c->changed. */
static int funding_conflicts(pr_store *st, const char *venue, const char *symbol,
                             const pr_store_put_opts *o, int64_t *ts, double *rate, size_t *m,
                             pr_store_counts *c, pr_err *err) {
    pr_funding_rate *old = NULL;
    size_t n_old = 0, w = 0, j = 0;
    int rc = st->ops->get_funding(st, venue, symbol, ts[0], ts[*m - 1], &old, &n_old, err);
    for (size_t i = 0; rc == PR_OK && i < *m; i++) {
        while (j < n_old && old[j].ts < ts[i]) j++;
        if (j < n_old && old[j].ts == ts[i] && old[j].rate != pr_store_norm0(rate[i])) {
            c->changed[0]++;
            if (o->on_conflict == PR_ON_CONFLICT_FAIL) {
                char when[40];
                pr_time_format_iso(ts[i], when, sizeof when);
                rc = pr_err_set(err, PR_EDATA,
                                "store: %s/%s funding rate at %s is already stored with another "
                                "value (on-conflict fail)",
                                venue, symbol, when);
                break;
            }
            c->kept++;
            continue;
        }
        ts[w] = ts[i];
        rate[w++] = rate[i];
    }
    free(old);
    if (rc == PR_OK) *m = w;
    return rc;
}

static int put_funding_impl(pr_store *st, const char *venue, const char *symbol,
                            const pr_funding_rate *rates, size_t n, const pr_store_put_opts *o,
                            pr_store_counts *counts, pr_err *err) {
    if (counts) memset(counts, 0, sizeof *counts);
    if (!st) return pr_err_set(err, PR_EINVAL, "store: NULL store");
    int rc = check_name("venue", venue, 1, err);
    if (rc == PR_OK) rc = check_name("symbol", symbol, 1, err);
    if (rc != PR_OK) return rc;
    if (n == 0) return st->in_tx && st->doomed ? doomed_err(st, err) : PR_OK;
    if (!rates) return pr_err_set(err, PR_EINVAL, "store: NULL funding rates");
    int64_t *ts = malloc(n * sizeof *ts);
    double *rate = malloc(n * sizeof *rate);
    size_t *ord = NULL, m = n;
    if (!ts || !rate) {
        rc = pr_err_set(err, PR_ENOMEM, "store: out of memory for %zu funding rates", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(rates[i].rate)) {
            rc = pr_err_set(err, PR_EINVAL, "store: funding rate %zu of %s/%s is not finite", i,
                            venue, symbol);
            goto done;
        }
        ts[i] = rates[i].ts;
    }
    if (!strictly_increasing(ts, n)) {
        rc = unique_order(ts, n, &ord, &m, err);
        if (rc != PR_OK) goto done;
    }
    for (size_t i = 0; i < m; i++) {
        size_t j = ord ? ord[i] : i;
        ts[i] = rates[j].ts;
        rate[i] = rates[j].rate;
    }
    int own;
    size_t ins = 0, upd = 0, unique = m;
    pr_store_counts c;
    memset(&c, 0, sizeof c);
    rc = op_begin(st, 1, &own, err);
    if (rc == PR_OK) {
        if (o && o->on_conflict != PR_ON_CONFLICT_REPLACE)
            rc = funding_conflicts(st, venue, symbol, o, ts, rate, &m, &c, err);
        if (rc == PR_OK && m > 0)
            rc = st->ops->put_funding(st, venue, symbol, ts, rate, m, &ins, &upd, err);
        rc = op_end(st, own, rc, err);
    }
    if (rc == PR_OK && counts) {
        *counts = c;
        counts->changed[0] += upd; /* replaced rates differed too */
        counts->inserted = ins;
        counts->updated = upd;
        counts->unchanged = m - ins - upd;
        counts->duplicates = n - unique;
    }
done:
    free(ts);
    free(rate);
    free(ord);
    return rc;
}

static int cmp_funding_info(const void *a, const void *b) {
    const pr_funding_info *x = a, *y = b;
    int c = strcmp(x->venue, y->venue);
    return c ? c : strcmp(x->symbol, y->symbol);
}

int pr_store_list_funding(pr_store *st, const char *venue, pr_funding_info **out, size_t *n,
                          pr_err *err) {
    if (!st || !out || !n) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    *out = NULL;
    *n = 0;
    pr_funding_info *v = NULL;
    size_t m = 0;
    int own;
    int rc = op_begin(st, 0, &own, err);
    if (rc != PR_OK) return rc;
    rc = op_end(st, own, st->ops->list_funding(st, &v, &m, err), err);
    if (rc != PR_OK) return rc;
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (!venue || strcmp(venue, v[i].venue) == 0) v[k++] = v[i];
    if (k > 1) qsort(v, k, sizeof *v, cmp_funding_info);
    if (k == 0) {
        free(v);
        v = NULL;
    }
    *out = v;
    *n = k;
    return PR_OK;
}

int pr_store_put_funding(pr_store *st, const char *venue, const char *symbol,
                         const pr_funding_rate *rates, size_t n, pr_store_counts *counts,
                         pr_err *err) {
    return put_funding_impl(st, venue, symbol, rates, n, NULL, counts, err);
}

int pr_store_put_funding_ex(pr_store *st, const char *venue, const char *symbol,
                            const pr_funding_rate *rates, size_t n, const pr_store_put_opts *o,
                            pr_store_counts *counts, pr_err *err) {
    if (o && (o->on_conflict < PR_ON_CONFLICT_REPLACE || o->on_conflict > PR_ON_CONFLICT_FAIL))
        return pr_err_set(err, PR_EINVAL, "store: invalid put options");
    return put_funding_impl(st, venue, symbol, rates, n, o, counts, err);
}

int pr_store_get_funding(pr_store *st, const char *venue, const char *symbol, int64_t from_ms,
                         int64_t to_ms, pr_funding_rate **out, size_t *n, pr_err *err) {
    if (!st || !out || !n) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    *out = NULL;
    *n = 0;
    int rc = check_name("venue", venue, 0, err);
    if (rc == PR_OK) rc = check_name("symbol", symbol, 0, err);
    if (rc != PR_OK) return rc;
    int64_t lo, hi;
    int own;
    rc = op_begin(st, 0, &own, err);
    if (rc != PR_OK) return rc;
    if (!range_bounds(from_ms, to_ms, &lo, &hi)) return PR_OK;
    rc = st->ops->get_funding(st, venue, symbol, lo, hi, out, n, err);
    if (rc != PR_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return op_end(st, own, rc, err);
}

/* ------------------------------------------------------------------------ */
/* Import log                                                                */
/* ------------------------------------------------------------------------ */
int pr_store_log_import(pr_store *st, const pr_import_record *rec, int64_t *id, pr_err *err) {
    if (id) *id = 0;
    if (!st || !rec) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    int rc = check_name("venue", rec->venue, 1, err);
    if (rc == PR_OK) rc = check_name("symbol", rec->symbol, 1, err);
    if (rc != PR_OK) return rc;
    if (!memchr(rec->file, 0, sizeof rec->file) || !memchr(rec->format, 0, sizeof rec->format) ||
        !memchr(rec->status, 0, sizeof rec->status))
        return pr_err_set(err, PR_EINVAL, "store: import record text field not terminated");
    const char *tf = rec->tf > PR_TF_NONE && rec->tf < PR_TF_COUNT ? pr_tf_name(rec->tf) : "";
    int64_t at = rec->imported_at ? rec->imported_at : pr_time_now_ms();
    int own;
    int64_t newid = 0;
    rc = op_begin(st, 1, &own, err);
    if (rc != PR_OK) return rc;
    rc = op_end(st, own, st->ops->log_import(st, rec, tf, at, &newid, err), err);
    if (rc == PR_OK && id) *id = newid;
    return rc;
}

int pr_store_list_imports(pr_store *st, const char *venue, const char *symbol,
                          pr_import_record **out, size_t *n, pr_err *err) {
    if (!st || !out || !n) return pr_err_set(err, PR_EINVAL, "store: NULL argument");
    *out = NULL;
    *n = 0;
    char (*tfs)[8] = NULL;
    int own;
    int rc = op_begin(st, 0, &own, err);
    if (rc != PR_OK) return rc;
    rc = op_end(st, own, st->ops->list_imports(st, venue, symbol, out, &tfs, n, err), err);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < *n; i++)
        if (pr_tf_parse(tfs[i], &(*out)[i].tf) != PR_OK) (*out)[i].tf = PR_TF_NONE;
    free(tfs);
    if (*n == 0) {
        free(*out);
        *out = NULL;
    }
    return PR_OK;
}

void pr_store_imports_free(pr_import_record *recs, size_t n) {
    if (!recs) return;
    for (size_t i = 0; i < n; i++) free((void *)recs[i].defects_json);
    free(recs);
}
