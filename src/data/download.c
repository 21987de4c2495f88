/* The downloader: plans each dataset's range from what the store holds,
 * fetches it page by page through the session (pacing, retries), validates
 * each page with the streaming validator imports use (state carried across
 * pages, so gaps between pages are found as in one file), drops the
 * still-forming bar, and commits every page as one transaction with its
 * import-log record. Funding rates and instrument metadata go the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_internal.h"
#include "download_internal.h"

#define DL_SOURCE_ROW(id, cli) &pr_dl_source_##id,
static const pr_dl_source *const k_sources[] = {PR_DL_SOURCES(DL_SOURCE_ROW)};
#undef DL_SOURCE_ROW

const pr_dl_source *const *pr_dl_sources(size_t *n) {
    *n = sizeof k_sources / sizeof k_sources[0];
    return k_sources;
}

const pr_dl_source *pr_dl_source_find(const char *name) {
    for (size_t i = 0; name && i < sizeof k_sources / sizeof k_sources[0]; i++)
        if (strcmp(k_sources[i]->name, name) == 0) return k_sources[i];
    return NULL;
}

void pr_dl_options_init(pr_dl_options *o) {
    memset(o, 0, sizeof *o);
    o->from_ms = PR_TIME_NONE;
    o->to_ms = PR_TIME_NONE;
}

int pr_dl_session_init(pr_dl_session *s, const pr_dl_source *src, const pr_dl_options *o, pr_err *err) {
    memset(s, 0, sizeof *s);
    if (!src || !o) return pr_err_set(err, PR_EINVAL, "download: no source or options");
    s->src = src;
    s->o = *o;
    if (s->o.max_retries == 0) s->o.max_retries = 5;
    else if (s->o.max_retries < 0) s->o.max_retries = 0; /* none */
    if (s->o.backoff_ms <= 0) s->o.backoff_ms = 500;
    if (s->o.max_wait_ms <= 0) s->o.max_wait_ms = 300000;
    if (s->o.weight_limit <= 0) s->o.weight_limit = src->weight_limit;
    if (s->o.timeout_s <= 0) s->o.timeout_s = 30;
    const char *base = o->base_url && *o->base_url ? o->base_url : src->base_url;
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/') n--; /* "http://h:1/" and "http://h:1" are one base */
    if (n == 0 || n >= sizeof s->base) return pr_err_set(err, PR_EINVAL, "download: bad base URL");
    memcpy(s->base, base, n);
    s->base[n] = '\0';
    pr_rng_seed(&s->rng, o->seed);
    if (!s->o.get) {
        int rc = pr_dl_http_new(&s->own_http, err);
        if (rc != PR_OK) return rc;
        s->o.get = pr_dl_http_get;
        s->o.get_user = s->own_http;
    }
    return PR_OK;
}

void pr_dl_session_free(pr_dl_session *s) {
    if (!s) return;
    pr_dl_http_free(s->own_http);
    s->own_http = NULL;
}

/* ---- the request loop ------------------------------------------------------ */
static int refused(const pr_dl_request *rq, const pr_dl_reply *rp, const pr_dl_verdict *v, pr_err *err) {
    err->http_status = (int)rp->status;
    pr_strlcpy(err->venue_code, v->code, sizeof err->venue_code);
    return pr_err_set(err, v->code[0] ? PR_EVENUE : PR_EHTTP, "%.200s: HTTP %ld%s%s: %.120s (not retried)", rq->shown,
                      rp->status, v->code[0] ? " code " : "", v->code, v->why);
}

int dl_fetch(pr_dl_session *s, const pr_dl_request *rq, dl_parse_fn parse, void *ctx, pr_dl_result *res,
             int64_t *server_ms, pr_err *err) {
    for (int attempt = 0;; attempt++) {
        if (s->o.cancelled && s->o.cancelled(s->o.user)) return pr_err_set(err, PR_ESTATE, "interrupted");
        int rc = pr_dl_pace(s, rq->weight, res, err);
        if (rc != PR_OK) return rc;
        pr_dl_reply rp;
        s->o.get(s->o.get_user, rq, s->o.timeout_s, &rp);
        res->requests++;
        pr_dl_count_weight(s, &rp, rq->weight, res);
        int64_t now = pr_dl_now(s);
        pr_dl_verdict v;
        pr_dl_classify_http(&rp, now, &v);
        if (s->src->classify) s->src->classify(&rp, now, &v);
        if (v.kind == PR_DL_OK) {
            pr_err pe;
            pr_err_clear(&pe);
            rc = parse(ctx, &rp, &pe);
            if (rc != PR_EPARSE) {
                if (server_ms) *server_ms = rp.server_ms >= 0 ? rp.server_ms : now;
                pr_dl_reply_free(&rp);
                if (rc != PR_OK) *err = pe;
                return rc;
            }
            v.kind = PR_DL_RETRY;
            snprintf(v.why, sizeof v.why, "malformed or truncated body (%.160s)", pe.msg);
        }
        int64_t wait = 0;
        switch (v.kind) {
        case PR_DL_NEVER:
            rc = refused(rq, &rp, &v, err);
            pr_dl_reply_free(&rp);
            return rc;
        case PR_DL_BAN:
            /* An unknown end is taken as longer than any wait we accept. */
            s->ban_until = v.until_ms > now ? v.until_ms : now + s->o.max_wait_ms + 1;
            err->http_status = (int)rp.status;
            pr_dl_reply_free(&rp);
            if (s->ban_until - now > s->o.max_wait_ms || attempt >= s->o.max_retries) {
                char t[PR_TIME_STR_MAX] = "an unknown time";
                if (v.until_ms > now) pr_time_format(v.until_ms, t, sizeof t);
                return pr_err_set(err, PR_ELIMIT, "%s: %s has banned this IP until %s (HTTP %ld%s%s): no request is "
                                  "sent to it before then", rq->shown, s->src->venue, t, (long)err->http_status,
                                  v.code[0] ? ", code " : "", v.code);
            }
            break; /* the next pr_dl_pace waits for the end */
        case PR_DL_WAIT:
            wait = v.wait_ms >= 0 ? v.wait_ms : pr_dl_backoff_ms(s, attempt);
            err->http_status = (int)rp.status;
            pr_dl_reply_free(&rp);
            if (wait > s->o.max_wait_ms)
                return pr_err_set(err, PR_ELIMIT, "%s: rate limited (HTTP %d%s%s: %.160s): the venue asks to wait "
                                  "%lld s, longer than the %lld s accepted (--max-wait)", rq->shown, err->http_status,
                                  v.code[0] ? ", " : "", v.code, v.why, (long long)(wait / 1000),
                                  (long long)(s->o.max_wait_ms / 1000));
            break;
        default: /* PR_DL_RETRY */
            wait = pr_dl_backoff_ms(s, attempt);
            err->http_status = (int)rp.status;
            pr_dl_reply_free(&rp);
            break;
        }
        if (attempt >= s->o.max_retries)
            return pr_err_set(err, v.kind == PR_DL_WAIT ? PR_ELIMIT : PR_ETIMEOUT, "%s: gave up after %d attempts: %s",
                              rq->shown, attempt + 1, v.why);
        res->retries++;
        pr_dl_sleep(s, wait, res);
    }
}

/* ---- bars ---------------------------------------------------------------------- */
int pr_dl_plan(pr_dl_session *s, pr_store *st, const char *symbol, pr_timeframe tf, int64_t *from_ms,
               int64_t *to_ms, pr_err *err) {
    if (tf <= PR_TF_NONE || tf >= PR_TF_COUNT) return pr_err_set(err, PR_EINVAL, "download: no timeframe");
    int64_t now = pr_dl_now(s);
    int64_t to = s->o.to_ms != PR_TIME_NONE && s->o.to_ms < now ? s->o.to_ms : now;
    int64_t from = s->o.from_ms != PR_TIME_NONE ? s->o.from_ms : to - 1000 * pr_tf_ms(tf);
    from = pr_tf_floor(tf, from);
    if (from < s->o.from_ms) from = pr_tf_next(tf, from); /* the first bar opening at or after --from */
    pr_dataset_info d;
    pr_err le;
    pr_err_clear(&le);
    int rc = pr_store_dataset(st, s->src->venue, symbol, tf, &d, &le);
    if (rc == PR_OK && d.first_ts <= from && d.last_ts >= from) from = pr_tf_next(tf, d.last_ts);
    else if (rc != PR_OK && rc != PR_ENOTFOUND) return *err = le, rc;
    *from_ms = from;
    *to_ms = to;
    return PR_OK;
}

typedef struct page_ctx {
    const pr_dl_source *src;
    pr_timeframe tf;
    pr_series *page;
} page_ctx;

static int parse_page(void *ctx, const pr_dl_reply *rp, pr_err *err) {
    page_ctx *c = ctx;
    pr_series_clear(c->page);
    return c->src->parse(rp->body, rp->len, c->tf, c->page, err);
}

typedef struct dl_ds {
    pr_dl_session *s;
    pr_store *st;
    const char *symbol;
    pr_timeframe tf;
    pr_dl_result *res;
    int instrument_ok;       /* the instrument row was ensured this run */
} dl_ds;

static int log_page(const dl_ds *d, const char *shown, const char *format, const char *status, size_t rows,
                    const pr_store_counts *k, const pr_data_report *rep, pr_err *err) {
    pr_import_record r;
    memset(&r, 0, sizeof r);
    pr_strlcpy(r.venue, d->s->src->venue, sizeof r.venue);
    pr_strlcpy(r.symbol, d->symbol, sizeof r.symbol);
    r.tf = d->tf;
    pr_strlcpy(r.file, shown, sizeof r.file);
    pr_strlcpy(r.format, format, sizeof r.format);
    pr_strlcpy(r.status, status, sizeof r.status);
    r.rows_read = (int64_t)rows;
    r.rows_stored = (int64_t)(k->inserted + k->updated + k->unchanged);
    r.rows_skipped = rep ? (int64_t)rep->rows_skipped : 0;
    r.rows_repaired = rep ? (int64_t)(rep->count[PR_ISSUE_DUPLICATE] + rep->count[PR_ISSUE_OUT_OF_ORDER]) : 0;
    r.rows_inserted = (int64_t)k->inserted;
    r.rows_updated = (int64_t)k->updated;
    char *defects = NULL;
    pr_err fe;
    pr_err_clear(&fe);
    if (rep) pr_data_report_format(rep, 1, &defects, &fe);
    r.defects_json = defects;
    int rc = pr_store_log_import(d->st, &r, NULL, err);
    free(defects);
    return rc;
}

static void add_counts(pr_dl_result *res, const pr_store_counts *k) {
    res->inserted += k->inserted;
    res->updated += k->updated;
    res->unchanged += k->unchanged;
}

/* Validates the page (rows [0, n) in range) as an import validates a chunk. */
static size_t validate_page(dint_validator *v, pr_series *p, pr_data_report *rep) {
    v->rep = rep;
    rep->rows = p->len;
    rep->tf = v->tf;
    rep->calendar = v->cal;
    rep->has_volume = v->has_volume;
    int64_t *index = malloc((p->len ? p->len : 1) * sizeof *index);
    if (!index) return (size_t)-1;
    size_t w = 0;
    for (size_t i = 0; i < p->len; i++) {
        const double x[5] = {p->open[i], p->high[i], p->low[i], p->close[i], p->volume[i]};
        if (dint_check_row(v, p->ts[i], x, 0, (int64_t)i)) {
            rep->rows_skipped++;
            continue;
        }
        p->ts[w] = p->ts[i];
        p->open[w] = x[0], p->high[w] = x[1], p->low[w] = x[2], p->close[w] = x[3], p->volume[w] = x[4];
        index[w++] = (int64_t)i;
    }
    if (dint_report_order(v, p->ts, w, NULL, index) && dint_sort_rows(p, w, NULL, index) != PR_OK) {
        free(index);
        return (size_t)-1;
    }
    w = dint_check_times(v, p, w, NULL, index);
    free(index);
    p->len = w;
    rep->rows_ok = w;
    return v->fatal ? (size_t)-1 : w;
}

/* Stores one validated page: one transaction with its log record. */
static int store_page(dl_ds *d, const pr_dl_request *rq, pr_series *p, size_t rows, const pr_data_report *rep,
                      pr_err *err) {
    pr_store_counts k;
    memset(&k, 0, sizeof k);
    pr_dl_series ser;
    pr_dl_series_of(d->s->src, d->symbol, d->tf, &ser);
    pr_store_put_opts po = {PR_ON_CONFLICT_REPLACE,
                            ser.no_volume ? PR_STORE_COL_ALL & ~PR_STORE_COL_VOLUME : PR_STORE_COL_ALL};
    int rc = pr_store_begin(d->st, err);
    /* Once per dataset and run: the class (and so the calendar) the venue
     * trades, for a source without instrument metadata. */
    if (rc == PR_OK && !d->instrument_ok) rc = pr_dl_ensure_instrument(d->s->src, d->st, d->symbol, d->tf, err);
    if (rc == PR_OK) rc = pr_store_put_bars_ex(d->st, d->s->src->venue, d->symbol, d->tf, p, &po, &k, err);
    if (rc == PR_OK) rc = log_page(d, rq->shown, d->s->src->name, "ok", rows, &k, rep, err);
    if (rc == PR_OK) rc = pr_store_commit(d->st, err);
    else if (pr_store_in_transaction(d->st)) {
        pr_err re;
        pr_err_clear(&re);
        pr_store_rollback(d->st, &re);
    }
    if (rc == PR_OK) {
        add_counts(d->res, &k);
        d->instrument_ok = 1;
    }
    return rc;
}

void pr_dl_series_of(const pr_dl_source *src, const char *symbol, pr_timeframe tf, pr_dl_series *out) {
    out->asset_class = src->asset_class;
    out->no_volume = src->no_volume;
    out->signed_prices = 0;
    out->instrument_len = 0;
    if (src->series) src->series(symbol, tf, out);
}

int pr_dl_ensure_instrument(const pr_dl_source *src, pr_store *st, const char *symbol, pr_timeframe tf,
                            pr_err *err) {
    pr_dl_series ser;
    pr_dl_series_of(src, symbol, tf, &ser);
    char like[PR_SYMBOL_MAX];
    size_t n = ser.instrument_len < sizeof like ? ser.instrument_len : 0;
    if (n) {
        memcpy(like, symbol, n);
        like[n] = '\0';
    }
    int rc = pr_store_ensure_instrument(st, src->venue, symbol, n ? like : NULL, ser.asset_class, err);
    if (rc != PR_EINVAL) return rc;
    /* A name no default understands (CoinGecko's coin ids): the class alone,
     * which is what the calendar needs; sizes stay unknown. */
    pr_err_clear(err);
    pr_instrument in;
    memset(&in, 0, sizeof in);
    pr_strlcpy(in.venue, src->venue, sizeof in.venue);
    pr_strlcpy(in.symbol, symbol, sizeof in.symbol);
    in.asset_class = ser.asset_class;
    in.contract_multiplier = 1.0;
    return pr_store_put_instrument(st, &in, err);
}

static void result_reset(pr_dl_result *res, int64_t from, int64_t to) {
    memset(res, 0, sizeof *res);
    res->from_ms = from;
    res->to_ms = to;
    res->first_ts = res->last_ts = PR_TIME_NONE;
}

static void progress(pr_dl_session *s, const char *symbol, pr_timeframe tf, const pr_dl_result *res, int64_t at) {
    if (!s->o.on_progress) return;
    pr_dl_progress p = {symbol, tf, res->from_ms, res->to_ms, at, res->inserted + res->updated + res->unchanged};
    s->o.on_progress(s->o.user, &p);
}

/* The validator continues from the last stored bar, so a hole between it
 * and the first new bar is a gap as it would be inside one file. */
static int seed_validator(dint_validator *v, pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                          int64_t from, pr_err *err) {
    pr_dataset_info info;
    pr_err le;
    pr_err_clear(&le);
    int rc = pr_store_dataset(st, venue, symbol, tf, &info, &le);
    if (rc == PR_ENOTFOUND || (rc == PR_OK && info.last_ts >= from)) return PR_OK;
    if (rc != PR_OK) return *err = le, rc;
    v->have_prev = 1;
    v->prev_ts = v->max_ts = v->prev_floor = info.last_ts;
    v->prev_line = -1;
    v->max_line = -1;
    return PR_OK;
}

/* 1 when the calendar expects a bar that has closed by `end` in [cursor, end). */
static int expects_bars(const dint_validator *v, int64_t cursor, int64_t end) {
    if (v->tf_ms <= 0) return 1; /* months: not scanned */
    int64_t last = dint_floordiv(end - v->tf_ms, v->tf_ms) * v->tf_ms; /* the last bar closed by end */
    if (last < cursor) return 0;
    pr_gap g;
    memset(&g, 0, sizeof g);
    dint_scan_gap(v->cal, v->tf, cursor - v->tf_ms, last + v->tf_ms, &g);
    return g.missing > 0;
}

int pr_dl_bars(pr_dl_session *s, pr_store *st, const char *symbol, pr_timeframe tf, pr_dl_result *res, pr_err *err) {
    int64_t from, to;
    result_reset(res, PR_TIME_NONE, PR_TIME_NONE);
    int rc = pr_dl_plan(s, st, symbol, tf, &from, &to, err);
    if (rc != PR_OK) return rc;
    result_reset(res, from, to);
    const pr_dl_source *src = s->src;
    dl_ds d = {s, st, symbol, tf, res, 0};
    dint_validator v;
    dint_validator_init(&v, NULL);
    v.stream = 1;
    v.lines_are_rows = 1;
    v.tf = tf;
    v.tf_ms = (tf == PR_TF_1MO) ? 0 : pr_tf_ms(tf);
    pr_dl_series ser;
    pr_dl_series_of(src, symbol, tf, &ser);
    v.has_volume = !ser.no_volume;
    v.signed_prices = ser.signed_prices;
    v.cal = pr_calendar_for_asset(ser.asset_class);
    if (v.cal == PR_CAL_AUTO) v.cal = PR_CAL_24X7;
    v.err = err;
    pr_series page;
    pr_series_init(&page, (size_t)src->page_bars);
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    rc = seed_validator(&v, st, src->venue, symbol, tf, from, err);
    int64_t cursor = from;
    int empty_retried = 0;
    while (rc == PR_OK) {
        int64_t now = pr_dl_now(s);
        /* Only bars that have closed by now can be stored. */
        int64_t end = to < now ? to : now;
        if (pr_tf_next(tf, cursor) > end) break;
        pr_dl_request rq;
        memset(&rq, 0, sizeof rq);
        rc = src->build(s->base, s->o.key, symbol, tf, cursor, to, src->page_bars, &rq, err);
        if (rc != PR_OK) break;
        page_ctx pc = {src, tf, &page};
        int64_t server_now = now;
        rc = dl_fetch(s, &rq, parse_page, &pc, res, &server_now, err);
        /* A key sent in a header or the query does not outlive its request
         * (rq.shown, which never holds it, stays for the report). */
        volatile char *h = (volatile char *)rq.headers;
        for (size_t i = 0; i < sizeof rq.headers; i++) h[i] = 0;
        h = (volatile char *)rq.url;
        for (size_t i = 0; i < sizeof rq.url; i++) h[i] = 0;
        if (rc != PR_OK) break;
        size_t raw = page.len, w = 0;
        int64_t last_raw = PR_TIME_NONE;
        for (size_t i = 0; i < page.len; i++) {
            int64_t t = page.ts[i];
            if (t < cursor || t >= to) continue; /* outside the range asked for */
            if (last_raw == PR_TIME_NONE || t > last_raw) last_raw = t;
            if (pr_tf_next(tf, t) > server_now) { /* still forming: never stored */
                res->forming++;
                continue;
            }
            page.ts[w] = t;
            page.open[w] = page.open[i], page.high[w] = page.high[i], page.low[w] = page.low[i];
            page.close[w] = page.close[i], page.volume[w] = page.volume[i];
            w++;
        }
        page.len = w;
        if (last_raw == PR_TIME_NONE) {
            /* Nothing in the range although closed bars could be there: once
             * more (a venue hiccup), then reported as a hole. A range the
             * calendar expects no bar in (a weekend) is simply done. */
            if (!expects_bars(&v, cursor, end)) break;
            if (!empty_retried) {
                empty_retried = 1;
                res->retries++;
                continue;
            }
            char a[PR_TIME_STR_MAX], b[PR_TIME_STR_MAX];
            pr_time_format(cursor, a, sizeof a);
            pr_time_format(end, b, sizeof b);
            pr_data_report_reset(&rep);
            pr_strlcpy(rep.file, rq.shown, sizeof rep.file);
            pr_data_report_add(&rep, PR_ISSUE_GAP, PR_SEV_WARN, PR_ACTION_KEPT, 0, -1, cursor,
                               "the venue returned an empty page (asked twice): no bars from %s to %s", a, b);
            res->empty_pages++;
            res->defects++;
            if (s->o.on_page) s->o.on_page(s->o.user, &rep);
            break;
        }
        empty_retried = 0;
        pr_data_report_reset(&rep);
        pr_strlcpy(rep.file, rq.shown, sizeof rep.file);
        size_t rows = page.len;
        if (validate_page(&v, &page, &rep) == (size_t)-1) {
            rc = v.fatal ? v.fatal : pr_err_set(err, PR_ENOMEM, "out of memory validating a page");
            break;
        }
        res->rows += rows;
        res->skipped += rep.rows_skipped;
        res->gaps += rep.gaps;
        res->missing_bars += rep.missing_bars;
        res->defects += pr_data_report_defects(&rep);
        if (s->o.on_page) s->o.on_page(s->o.user, &rep);
        if (s->o.strict && pr_data_report_defects(&rep)) {
            pr_store_counts none;
            memset(&none, 0, sizeof none);
            pr_err le;
            pr_err_clear(&le);
            log_page(&d, rq.shown, src->name, "rejected", rows, &none, &rep, &le);
            rc = pr_err_set(err, PR_EDATA, "%s: %zu defect%s (--strict): the page was not stored", rq.shown,
                            pr_data_report_defects(&rep), pr_data_report_defects(&rep) == 1 ? "" : "s");
            break;
        }
        if (page.len > 0) {
            rc = store_page(&d, &rq, &page, rows, &rep, err);
            if (rc != PR_OK) break;
            res->pages++;
            if (res->first_ts == PR_TIME_NONE || page.ts[0] < res->first_ts) res->first_ts = page.ts[0];
            if (res->last_ts == PR_TIME_NONE || page.ts[page.len - 1] > res->last_ts)
                res->last_ts = page.ts[page.len - 1];
        }
        cursor = src->next ? src->next(tf, last_raw) : pr_tf_next(tf, last_raw);
        progress(s, symbol, tf, res, cursor);
        /* A short page: the venue has nothing more before `to`. */
        if (raw < (size_t)src->page_bars) break;
    }
    if (rc == PR_OK && res->pages == 0 && res->rows == 0 && res->empty_pages == 0) res->up_to_date = 1;
    dint_validator_free(&v);
    pr_data_report_free(&rep);
    pr_series_free(&page);
    return rc;
}
