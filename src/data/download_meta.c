/* Downloads beside the bars: a perpetual's funding-rate history (paged
 * like bars, each page one transaction with its import-log record,
 * continuing after the last stored rate) and an instrument's venue metadata
 * (tick size, lot step, minimum notional) into the instruments table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_internal.h"
#include "download_internal.h"

typedef struct funding_ctx {
    const pr_dl_source *src;
    pr_funding_rate *rates;
    size_t n;
} funding_ctx;

static int parse_funding(void *ctx, const pr_dl_reply *rp, pr_err *err) {
    funding_ctx *c = ctx;
    free(c->rates);
    c->rates = NULL;
    c->n = 0;
    return c->src->parse_funding(rp->body, rp->len, &c->rates, &c->n, err);
}

/* The first funding time to ask for: after the last stored rate. */
static int funding_start(pr_dl_session *s, pr_store *st, const char *symbol, int64_t from, int64_t *out, pr_err *err) {
    pr_funding_info *fi = NULL;
    size_t n = 0;
    int rc = pr_store_list_funding(st, s->src->venue, &fi, &n, err);
    *out = from;
    for (size_t i = 0; rc == PR_OK && i < n; i++)
        if (strcmp(fi[i].symbol, symbol) == 0 && fi[i].first_ts <= from && fi[i].last_ts >= from)
            *out = fi[i].last_ts + 1;
    free(fi);
    return rc;
}

int pr_dl_funding(pr_dl_session *s, pr_store *st, const char *symbol, pr_dl_result *res, pr_err *err) {
    const pr_dl_source *src = s->src;
    memset(res, 0, sizeof *res);
    res->first_ts = res->last_ts = PR_TIME_NONE;
    if (!src->build_funding || !src->parse_funding)
        return pr_err_set(err, PR_EUNSUPPORTED, "source %s has no funding rates (--funding is for perpetual futures: "
                          "binance-futures)", src->name);
    int64_t now = pr_dl_now(s);
    int64_t to = s->o.to_ms != PR_TIME_NONE && s->o.to_ms < now ? s->o.to_ms : now;
    int64_t cursor;
    int rc = funding_start(s, st, symbol, s->o.from_ms != PR_TIME_NONE ? s->o.from_ms : to - 30 * PR_MS_PER_DAY,
                           &cursor, err);
    res->from_ms = cursor;
    res->to_ms = to;
    funding_ctx c = {src, NULL, 0};
    const int limit = 1000;
    while (rc == PR_OK && cursor < to) {
        pr_dl_request rq;
        memset(&rq, 0, sizeof rq);
        rc = src->build_funding(s->base, symbol, cursor, to, limit, &rq, err);
        if (rc == PR_OK) rc = dl_fetch(s, &rq, parse_funding, &c, res, NULL, err);
        if (rc != PR_OK) break;
        size_t raw = c.n, w = 0, bad = 0;
        int64_t last = PR_TIME_NONE;
        for (size_t i = 0; i < c.n; i++) {
            if (c.rates[i].ts < cursor || c.rates[i].ts >= to) continue;
            if (last == PR_TIME_NONE || c.rates[i].ts > last) last = c.rates[i].ts;
            if (!(c.rates[i].rate == c.rates[i].rate) || c.rates[i].rate > 1 || c.rates[i].rate < -1) {
                bad++; /* not a rate: skipped as an import skips it */
                continue;
            }
            /* Binance stamps funding a few ms after the hour; an import
             * rounds such stamps onto the grid, and so does a download. */
            int64_t r = (c.rates[i].ts + PR_MS_PER_HOUR / 2) / PR_MS_PER_HOUR * PR_MS_PER_HOUR;
            if (c.rates[i].ts - r <= PR_MS_PER_MIN && r - c.rates[i].ts <= PR_MS_PER_MIN) c.rates[i].ts = r;
            c.rates[w++] = c.rates[i];
        }
        if (last == PR_TIME_NONE) break;
        res->rows += w + bad;
        res->skipped += bad;
        pr_store_counts k;
        memset(&k, 0, sizeof k);
        pr_store_put_opts po = {PR_ON_CONFLICT_REPLACE, 0};
        rc = pr_store_begin(st, err);
        if (rc == PR_OK) rc = pr_store_put_funding_ex(st, src->venue, symbol, c.rates, w, &po, &k, err);
        if (rc == PR_OK) {
            pr_import_record r;
            memset(&r, 0, sizeof r);
            pr_strlcpy(r.venue, src->venue, sizeof r.venue);
            pr_strlcpy(r.symbol, symbol, sizeof r.symbol);
            pr_strlcpy(r.file, rq.shown, sizeof r.file);
            snprintf(r.format, sizeof r.format, "%s-funding", src->name);
            pr_strlcpy(r.status, "ok", sizeof r.status);
            r.rows_read = (int64_t)(w + bad);
            r.rows_stored = (int64_t)(k.inserted + k.updated + k.unchanged);
            r.rows_skipped = (int64_t)bad;
            r.rows_inserted = (int64_t)k.inserted;
            r.rows_updated = (int64_t)k.updated;
            rc = pr_store_log_import(st, &r, NULL, err);
        }
        if (rc == PR_OK) rc = pr_store_commit(st, err);
        else if (pr_store_in_transaction(st)) {
            pr_err re;
            pr_err_clear(&re);
            pr_store_rollback(st, &re);
        }
        if (rc != PR_OK) break;
        res->pages++;
        res->inserted += k.inserted;
        res->updated += k.updated;
        res->unchanged += k.unchanged;
        if (w && (res->first_ts == PR_TIME_NONE || c.rates[0].ts < res->first_ts)) res->first_ts = c.rates[0].ts;
        if (w && (res->last_ts == PR_TIME_NONE || c.rates[w - 1].ts > res->last_ts)) res->last_ts = c.rates[w - 1].ts;
        cursor = last + 1;
        if (raw < (size_t)limit) break;
    }
    free(c.rates);
    if (rc == PR_OK && res->rows == 0) res->up_to_date = 1;
    return rc;
}

typedef struct instr_ctx {
    const pr_dl_source *src;
    const char *symbol;
    pr_instrument *out;
} instr_ctx;

static int parse_instr(void *ctx, const pr_dl_reply *rp, pr_err *err) {
    instr_ctx *c = ctx;
    return c->src->parse_instrument(rp->body, rp->len, c->symbol, c->out, err);
}

int pr_dl_instrument(pr_dl_session *s, pr_store *st, const char *symbol, pr_instrument *out, pr_err *err) {
    const pr_dl_source *src = s->src;
    if (!src->build_instrument || !src->parse_instrument)
        return pr_err_set(err, PR_EUNSUPPORTED, "source %s gives no instrument metadata", src->name);
    pr_dl_request rq;
    memset(&rq, 0, sizeof rq);
    pr_dl_result res;
    memset(&res, 0, sizeof res);
    pr_instrument in;
    memset(&in, 0, sizeof in);
    int rc = src->build_instrument(s->base, symbol, &rq, err);
    instr_ctx c = {src, symbol, &in};
    if (rc == PR_OK) rc = dl_fetch(s, &rq, parse_instr, &c, &res, NULL, err);
    if (rc != PR_OK) return rc;
    pr_strlcpy(in.venue, src->venue, sizeof in.venue);
    pr_strlcpy(in.symbol, symbol, sizeof in.symbol);
    if (in.asset_class == PR_ASSET_UNKNOWN) in.asset_class = src->asset_class;
    rc = pr_store_put_instrument(st, &in, err);
    if (rc == PR_OK && out) *out = in;
    return rc;
}

/* ---- helpers for the adapters ---- */
int dl_json_number(const json_t *j, double *out) {
    if (json_is_number(j)) {
        *out = json_number_value(j);
        return 1;
    }
    if (!json_is_string(j)) return 0;
    /* Exact decimal conversion, independent of the locale. */
    return dint_parse_double(json_string_value(j), json_string_length(j), out);
}

int dl_set_url(pr_dl_request *rq, const char *base, const char *path_query, pr_err *err) {
    if ((size_t)snprintf(rq->url, sizeof rq->url, "%s%s", base, path_query) >= sizeof rq->url ||
        (size_t)snprintf(rq->shown, sizeof rq->shown, "GET %s", path_query) >= sizeof rq->shown)
        return pr_err_set(err, PR_EINVAL, "request URL too long");
    return PR_OK;
}

int dl_json_load(const char *body, size_t len, const char *what, json_t **out, pr_err *err) {
    json_error_t je;
    *out = json_loadb(body, len, JSON_DECODE_ANY, &je);
    if (!*out) return pr_err_set(err, PR_EPARSE, "%s: not JSON (%s at byte %d)", what, je.text, je.position);
    return PR_OK;
}
