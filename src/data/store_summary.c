/* Per-dataset summaries (bar count, first/last bar, weekday counts, the
 * gap calendar, gaps and missing bars) kept in the datasets table by every
 * write, so that listing a store never rereads its bars. A write changes
 * the gaps only between the stored bars just before and just after the
 * written range (pr_find_gaps judges each pair of neighbouring bars on its
 * own), so only that window is reread and recounted; an append rereads
 * nothing. When the calendar changes (more data, a new asset class) or no
 * summary was built yet, the dataset is rescanned once. */
#include <stdlib.h>
#include <string.h>

#include "data/store_internal.h"

static int gap_stats(const int64_t *ts, size_t n, pr_timeframe tf, pr_calendar cal,
                     size_t *gaps, size_t *missing, pr_err *err) {
    int rc = pr_find_gaps(ts, n, tf, cal, 0, NULL, 0, gaps, missing);
    if (rc != PR_OK) return pr_err_set(err, rc, "store: cannot count the gaps of a dataset");
    return PR_OK;
}

/* The gaps with missing bars of ts[0..n) on `cal`: *out malloc'd (NULL
 * when none). */
static int gap_list(const int64_t *ts, size_t n, pr_timeframe tf, pr_calendar cal, pr_gap **out,
                    size_t *ng, size_t *missing, pr_err *err) {
    *out = NULL;
    int rc = gap_stats(ts, n, tf, cal, ng, missing, err);
    if (rc != PR_OK || *ng == 0) return rc;
    *out = malloc(*ng * sizeof **out);
    if (!*out) return pr_err_set(err, PR_ENOMEM, "store: out of memory for %zu gaps", *ng);
    size_t cap = *ng;
    rc = pr_find_gaps(ts, n, tf, cal, 0, *out, cap, ng, missing);
    if (rc != PR_OK) {
        free(*out);
        *out = NULL;
        return pr_err_set(err, rc, "store: cannot list the gaps of a dataset");
    }
    return PR_OK;
}

pr_calendar pr_store_summary_calendar(const char *asset_class, const pr_store_summary *s,
                                      pr_timeframe tf) {
    pr_asset_class a = PR_ASSET_UNKNOWN;
    if (asset_class && *asset_class && pr_asset_class_parse(asset_class, &a) != PR_OK)
        a = PR_ASSET_UNKNOWN;
    pr_calendar c = pr_calendar_for_asset(a);
    if (c != PR_CAL_AUTO) return c;
    return pr_calendar_infer_counts(s->count, s->first_ts, s->last_ts, s->sat, s->sun, tf);
}

static void row_summary(const pr_store_dataset_row *r, pr_store_summary *s) {
    memset(s, 0, sizeof *s);
    s->count = r->info.count;
    s->first_ts = r->info.first_ts;
    s->last_ts = r->info.last_ts;
    s->sat = r->sat;
    s->sun = r->sun;
    s->gaps = r->info.gaps;
    s->missing = r->info.missing_bars;
    if (!r->calendar[0] || pr_calendar_parse(r->calendar, &s->calendar) != PR_OK)
        s->calendar = PR_CAL_AUTO;
}

/* The stored row of one dataset (*found = 0 when none). The datasets table
 * holds a row per dataset, so reading it whole stays cheap. */
static int get_row(pr_store *st, const pr_store_key *k, pr_store_dataset_row *out, int *found,
                   pr_err *err) {
    pr_store_dataset_row *rows = NULL;
    size_t n = 0;
    *found = 0;
    int rc = st->ops->list_datasets(st, &rows, &n, err);
    for (size_t i = 0; rc == PR_OK && i < n && !*found; i++)
        if (strcmp(rows[i].info.venue, k->venue) == 0 &&
            strcmp(rows[i].info.symbol, k->symbol) == 0 && strcmp(rows[i].tf_name, k->tf) == 0) {
            *out = rows[i];
            *found = 1;
        }
    free(rows);
    return rc;
}

static int asset_text(pr_store *st, const pr_store_key *k, char cls[16], pr_err *err) {
    pr_instrument *in = NULL;
    char(*names)[16] = NULL;
    size_t n = 0;
    cls[0] = '\0';
    int rc = st->ops->get_instruments(st, k->venue, k->symbol, &in, &names, &n, err);
    if (rc == PR_OK && n > 0) pr_strlcpy(cls, names[0], 16);
    free(in);
    free(names);
    return rc;
}

static int put(pr_store *st, const pr_store_key *k, const pr_store_summary *s,
               int64_t updated_at, pr_err *err) {
    return st->ops->put_summary(st, k, s, pr_calendar_name(s->calendar),
                                updated_at ? updated_at : pr_time_now_ms(), err);
}

int pr_store_summary_rebuild(pr_store *st, const pr_store_key *k, pr_timeframe tf,
                             pr_store_summary *out, int write, int64_t updated_at, pr_err *err) {
    int64_t *ts = NULL;
    size_t n = 0;
    pr_store_summary s;
    memset(&s, 0, sizeof s);
    char cls[16];
    pr_gap *gaps = NULL;
    int rc = write ? pr_store_lock_dataset(st, k, err) : PR_OK;
    if (rc == PR_OK) rc = st->ops->get_ts(st, k, INT64_MIN, INT64_MAX, &ts, &n, err);
    if (rc == PR_OK) rc = asset_text(st, k, cls, err);
    if (rc == PR_OK && n > 0) {
        s.count = n;
        s.first_ts = ts[0];
        s.last_ts = ts[n - 1];
        pr_calendar_weekend_counts(ts, n, &s.sat, &s.sun);
        s.calendar = pr_store_summary_calendar(cls, &s, tf);
        rc = write ? gap_list(ts, n, tf, s.calendar, &gaps, &s.gaps, &s.missing, err)
                   : gap_stats(ts, n, tf, s.calendar, &s.gaps, &s.missing, err);
    }
    free(ts);
    if (rc == PR_OK && write) rc = st->ops->gaps_delete(st, k, INT64_MIN, INT64_MAX, err);
    if (rc == PR_OK && write && n > 0) rc = st->ops->gaps_put(st, k, gaps, s.gaps, err);
    if (rc == PR_OK && write && n > 0) rc = put(st, k, &s, updated_at, err);
    free(gaps);
    if (rc == PR_OK && out) *out = s;
    return rc;
}

void pr_store_summary_delta_free(pr_store_summary_delta *d) {
    free(d->win);
    d->win = NULL;
    d->n_win = 0;
}

int pr_store_lock_dataset(pr_store *st, const pr_store_key *k, pr_err *err) {
    return st->ops->lock_dataset ? st->ops->lock_dataset(st, k, err) : PR_OK;
}

int pr_store_summary_before(pr_store *st, const pr_store_key *k, const int64_t *ts, size_t n,
                            pr_store_summary_delta *d, pr_err *err) {
    memset(d, 0, sizeof *d);
    pr_store_dataset_row row;
    int found = 0;
    /* The summary read here is rewritten at the end: no other writer of
     * the dataset may come in between. */
    int rc = pr_store_lock_dataset(st, k, err);
    if (rc == PR_OK) rc = get_row(st, k, &row, &found, err);
    if (rc != PR_OK || !found) return rc;
    row_summary(&row, &d->old);
    if (d->old.calendar == PR_CAL_AUTO || d->old.count == 0) return PR_OK;
    d->have = 1;
    const int64_t lo = ts[0], hi = ts[n - 1];
    /* Appends and prepends touch one stored bar, which the summary names. */
    if (lo > d->old.last_ts || hi < d->old.first_ts) {
        d->win = malloc(sizeof *d->win);
        if (!d->win) return pr_err_set(err, PR_ENOMEM, "store: out of memory");
        d->win[0] = lo > d->old.last_ts ? d->old.last_ts : d->old.first_ts;
        d->n_win = 1;
        return PR_OK;
    }
    int64_t a = lo, b = hi;
    int fa = 0, fb = 0;
    rc = st->ops->ts_adjacent(st, k, lo, 0, &a, &fa, err);
    if (rc == PR_OK) rc = st->ops->ts_adjacent(st, k, hi, 1, &b, &fb, err);
    if (rc == PR_OK) rc = st->ops->get_ts(st, k, fa ? a : lo, fb ? b : hi, &d->win, &d->n_win, err);
    return rc;
}

/* Sorted union of two sorted unique arrays. */
static int64_t *merge(const int64_t *x, size_t nx, const int64_t *y, size_t ny, size_t *m) {
    int64_t *v = malloc((nx + ny + 1) * sizeof *v);
    if (!v) return NULL;
    size_t i = 0, j = 0, k = 0;
    while (i < nx || j < ny) {
        if (j == ny || (i < nx && x[i] < y[j])) v[k++] = x[i++];
        else if (i == nx || y[j] < x[i]) v[k++] = y[j++];
        else {
            v[k++] = x[i++];
            j++;
        }
    }
    *m = k;
    return v;
}

int pr_store_summary_after(pr_store *st, const pr_store_key *k, pr_timeframe tf,
                           const int64_t *ts, size_t n, size_t inserted,
                           pr_store_summary_delta *d, pr_err *err) {
    if (inserted == 0) {
        pr_store_summary_delta_free(d);
        return PR_OK;
    }
    if (!d->have) {
        pr_store_summary_delta_free(d);
        return pr_store_summary_rebuild(st, k, tf, NULL, 1, 0, err);
    }
    size_t m = 0;
    int64_t *all = merge(d->win, d->n_win, ts, n, &m);
    if (!all) {
        pr_store_summary_delta_free(d);
        return pr_err_set(err, PR_ENOMEM, "store: out of memory updating a dataset summary");
    }
    pr_store_summary s = d->old;
    size_t sat0, sun0, sat1, sun1;
    pr_calendar_weekend_counts(d->win, d->n_win, &sat0, &sun0);
    pr_calendar_weekend_counts(all, m, &sat1, &sun1);
    s.count += inserted;
    s.sat = s.sat - sat0 + sat1;
    s.sun = s.sun - sun0 + sun1;
    if (ts[0] < s.first_ts) s.first_ts = ts[0];
    if (ts[n - 1] > s.last_ts) s.last_ts = ts[n - 1];
    char cls[16];
    int rc = asset_text(st, k, cls, err);
    int rebuild = 0;
    if (rc == PR_OK) {
        s.calendar = pr_store_summary_calendar(cls, &s, tf);
        /* Another calendar judges every pair anew; a window that does not
         * account for the inserted keys means the summary was off. */
        rebuild = s.calendar != d->old.calendar || m - d->n_win != inserted;
    }
    if (rc == PR_OK && !rebuild) {
        /* The window's stored gaps lie strictly between its first and last
         * stamp: they are replaced by those of the window with the new bars. */
        size_t g0, m0, g1, m1;
        pr_gap *gaps = NULL;
        rc = gap_stats(d->win, d->n_win, tf, s.calendar, &g0, &m0, err);
        if (rc == PR_OK) rc = gap_list(all, m, tf, s.calendar, &gaps, &g1, &m1, err);
        if (rc == PR_OK) rc = st->ops->gaps_delete(st, k, all[0], all[m - 1], err);
        if (rc == PR_OK) rc = st->ops->gaps_put(st, k, gaps, g1, err);
        free(gaps);
        if (rc == PR_OK) {
            s.gaps = s.gaps - g0 + g1;
            s.missing = s.missing - m0 + m1;
            rc = put(st, k, &s, 0, err);
        }
    }
    free(all);
    pr_store_summary_delta_free(d);
    if (rc == PR_OK && rebuild) rc = pr_store_summary_rebuild(st, k, tf, NULL, 1, 0, err);
    return rc;
}

int pr_store_summary_refresh(pr_store *st, const char *venue, const char *symbol, pr_err *err) {
    pr_store_dataset_row *rows = NULL;
    size_t n = 0;
    int rc = st->ops->list_datasets(st, &rows, &n, err);
    for (size_t i = 0; rc == PR_OK && i < n; i++) {
        const pr_store_dataset_row *r = &rows[i];
        pr_timeframe tf;
        if (venue && strcmp(venue, r->info.venue) != 0) continue;
        if (symbol && strcmp(symbol, r->info.symbol) != 0) continue;
        if (pr_tf_parse(r->tf_name, &tf) != PR_OK) continue;
        pr_store_summary s;
        row_summary(r, &s);
        if (s.calendar != PR_CAL_AUTO && s.calendar == pr_store_summary_calendar(r->asset_class, &s, tf))
            continue;
        pr_store_key k = {r->info.venue, r->info.symbol, r->tf_name};
        rc = pr_store_summary_rebuild(st, &k, tf, NULL, 1, r->info.updated_at, err);
    }
    free(rows);
    return rc;
}

int pr_store_summary_gaps(pr_store *st, const pr_store_key *k, pr_timeframe tf, pr_gap **out,
                          size_t *n, pr_err *err) {
    *out = NULL;
    *n = 0;
    pr_store_dataset_row row;
    int found = 0;
    int rc = get_row(st, k, &row, &found, err);
    if (rc != PR_OK || !found) return rc;
    pr_store_summary s;
    row_summary(&row, &s);
    if (s.calendar != PR_CAL_AUTO && s.calendar == pr_store_summary_calendar(row.asset_class, &s, tf))
        return st->ops->gaps_get(st, k, out, n, err);
    /* not built yet (read-only, before the first writer): from the bars */
    int64_t *ts = NULL;
    size_t nts = 0, missing = 0;
    rc = st->ops->get_ts(st, k, INT64_MIN, INT64_MAX, &ts, &nts, err);
    if (rc == PR_OK) {
        s.count = nts;
        if (nts) {
            s.first_ts = ts[0];
            s.last_ts = ts[nts - 1];
        }
        pr_calendar_weekend_counts(ts, nts, &s.sat, &s.sun);
        rc = gap_list(ts, nts, tf, pr_store_summary_calendar(row.asset_class, &s, tf), out, n,
                      &missing, err);
    }
    free(ts);
    return rc;
}
