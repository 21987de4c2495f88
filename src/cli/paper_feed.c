/* The feed of a paper or live session: the `live` section's feed settings
 * and scan interval, the markets a live feed cannot serve, and the live
 * feed itself (paper_feed.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "paper_feed.h"
#include "proratio/data/download.h"

static const char *const k_feeds[] = {"replay", "binance", "poll", NULL};

/* live.scan: "bar_close", or whole seconds that divide a day, so every UTC
 * day starts on a boundary (60, 300, 900, 1800, 3600, 14400, 86400, ...). */
static void read_scan(paper_feed *pf, const pr_config *cfg, bt_errors *errs) {
    json_t *live = json_object_get(pr_config_json(cfg), "live");
    json_t *j = json_object_get(live, "scan");
    pf->scan_ms = 1800000;
    if (!j || json_is_null(j)) return;
    if (json_is_string(j) && strcmp(json_string_value(j), "bar_close") == 0) {
        pf->scan_ms = 0;
        return;
    }
    double v = json_is_number(j) ? json_number_value(j) : -1;
    if (v >= 1 && v <= 86400 && v == (double)(long)v && 86400 % (long)v == 0) {
        pf->scan_ms = (int64_t)v * 1000;
        return;
    }
    char *shown = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    bt_errors_add(errs, "live.scan: expected seconds that divide a day (900, 1800, 3600, ...; 1800 by default) or "
                  "\"bar_close\" (decide at every bar), got %.60s", shown ? shown : "?");
    free(shown);
}

static void read_symbols(paper_feed *pf, const pr_config *cfg, bt_errors *errs) {
    json_t *m = json_object_get(json_object_get(pr_config_json(cfg), "live"), "symbols");
    if (!m || json_is_null(m)) return;
    if (!json_is_object(m)) {
        bt_errors_add(errs, "live.symbols: expected an object {\"DATASET_SYMBOL\": \"VENUE_SYMBOL\", ...}");
        return;
    }
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v) {
        if (!json_is_string(v) || !json_string_value(v)[0] || strlen(json_string_value(v)) >= PR_SYMBOL_MAX ||
            strlen(k) >= PR_SYMBOL_MAX) {
            bt_errors_add(errs, "live.symbols.%.40s: expected the venue's symbol (1 to %d characters)", k,
                          PR_SYMBOL_MAX - 1);
            continue;
        }
        if (pf->n_map == BT_MAX_MARKETS) {
            bt_errors_add(errs, "live.symbols: at most %d symbols", BT_MAX_MARKETS);
            return;
        }
        pr_strlcpy(pf->map_from[pf->n_map], k, PR_SYMBOL_MAX);
        pr_strlcpy(pf->map_to[pf->n_map++], json_string_value(v), PR_SYMBOL_MAX);
    }
}

size_t paper_feed_read(paper_feed *pf, const pr_config *cfg, bt_errors *errs) {
    size_t n0 = errs->n + errs->dropped;
    pr_err e;
    pr_err_clear(&e);
    memset(pf, 0, sizeof *pf);
    if (pr_config_enum(cfg, "live.feed", "replay", k_feeds, &pf->kind, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    read_scan(pf, cfg, errs);
    read_symbols(pf, cfg, errs);
    long delay = 0;
    if (pr_config_string(cfg, "live.source", pf->kind == PAPER_FEED_BINANCE ? "binance" : "", pf->source,
                         sizeof pf->source, &e) != PR_OK ||
        pr_config_string(cfg, "live.base_url", "", pf->base_url, sizeof pf->base_url, &e) != PR_OK ||
        pr_config_string(cfg, "live.ws_url", "", pf->ws_url, sizeof pf->ws_url, &e) != PR_OK ||
        pr_config_int(cfg, "live.poll_delay_ms", 2000, 1, 3600000, &delay, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    pf->poll_delay_ms = delay;
    static const char *const own[] = {"source", "base_url", "ws_url", "poll_delay_ms", "symbols"};
    for (size_t i = 0; pf->kind == PAPER_FEED_REPLAY && i < sizeof own / sizeof own[0]; i++) {
        char path[64];
        if (pr_config_has(cfg, pr_config_key(path, sizeof path, "live", own[i])))
            bt_errors_add(errs, "%s: goes with live.feed \"binance\" or \"poll\" (the replay plays the stored bars)",
                          path);
    }
    if (pf->kind == PAPER_FEED_BINANCE && strcmp(pf->source, "binance") != 0 &&
        strcmp(pf->source, "binance-futures") != 0)
        bt_errors_add(errs, "live.source: the binance feed streams \"binance\" (spot) or \"binance-futures\" (USD-M), "
                      "got \"%.40s\"", pf->source);
    if (pf->kind == PAPER_FEED_POLL && !pr_dl_source_find(pf->source))
        bt_errors_add(errs, "live.source: the poll feed needs a download source (binance, binance-futures, oanda, "
                      "yahoo, ...), got \"%.40s\"", pf->source);
    if (pf->kind == PAPER_FEED_POLL && pf->ws_url[0])
        bt_errors_add(errs, "live.ws_url: goes with live.feed \"binance\" (polling is REST only)");
    if (pf->ws_url[0] && strncmp(pf->ws_url, "ws://", 5) != 0 && strncmp(pf->ws_url, "wss://", 6) != 0)
        bt_errors_add(errs, "live.ws_url: expected ws://... or wss://..., got \"%.60s\"", pf->ws_url);
    return errs->n + errs->dropped - n0;
}

int paper_feed_check_scan(const paper_feed *pf, const pr_runner_market *mk, size_t n, pr_err *err) {
    for (size_t i = 0; pf->scan_ms && i < n; i++) {
        if (mk[i].tf == PR_TF_1MO) continue;
        int64_t bar = pr_tf_ms(mk[i].tf);
        if (pf->scan_ms > bar && pf->scan_ms % bar != 0)
            return pr_err_set(err, PR_EINVAL, "live.scan: %lld s is not a whole number of %s's %s bars: the "
                              "decisions would fall between its closes; use a multiple of %lld s",
                              (long long)(pf->scan_ms / 1000), mk[i].spec.inst.symbol, pr_tf_name(mk[i].tf),
                              (long long)(bar / 1000));
    }
    return PR_OK;
}


/* The source's key (OANDA's token) from the environment or ./.env; NULL
 * when it needs none. */
static int source_key(const paper_feed *pf, const char **key, pr_err *err) {
    *key = NULL;
    const pr_dl_source *src = pr_dl_source_find(pf->source);
    if (!src || !src->key_env) return PR_OK;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_env_load(".env", &e);
    if (rc != PR_OK && rc != PR_ENOTFOUND) return pr_err_set(err, rc, ".env: %s", e.msg);
    *key = getenv(src->key_env);
    if (!*key || !**key)
        return pr_err_set(err, PR_EINVAL, "live.source: %s needs a key: set %s in the environment or ./.env",
                          src->name, src->key_env);
    return PR_OK;
}

static const char *venue_symbol(const paper_feed *pf, const char *symbol) {
    for (size_t k = 0; k < pf->n_map; k++)
        if (strcmp(pf->map_from[k], symbol) == 0) return pf->map_to[k];
    return "";
}

/* Why the feed cannot serve symbol's tf bars ("" when it can). */
static void why_not(const paper_feed *pf, const char *symbol, pr_timeframe tf, const char *key, char *why,
                    size_t cap) {
    why[0] = '\0';
    int futures = strcmp(pf->source, "binance-futures") == 0;
    if (pf->kind == PAPER_FEED_BINANCE && !pr_dl_binance_has_tf(tf, futures)) {
        snprintf(why, cap, "the binance%s feed has no %s klines (intervals: %s)", futures ? " futures" : "",
                 pr_tf_name(tf), pr_dl_binance_intervals(futures));
        return;
    }
    pr_feed_stream st;
    memset(&st, 0, sizeof st);
    pr_strlcpy(st.symbol, symbol, sizeof st.symbol);
    st.tf = tf;
    pr_feed_poll_options o;
    memset(&o, 0, sizeof o);
    o.source = pf->source;
    o.base_url = pf->base_url[0] ? pf->base_url : NULL;
    o.key = key;
    o.timeout_s = 15;
    pr_err e;
    pr_err_clear(&e);
    if (pr_feed_probe(&st, &o, &e) != PR_OK) snprintf(why, cap, "%s", e.msg);
}

int paper_feed_markets(const paper_feed *pf, pr_runner_market *mk, size_t n, FILE *f, pr_err *err) {
    const char *key = NULL;
    int rc = source_key(pf, &key, err);
    if (rc != PR_OK) return rc;
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        pr_strlcpy(mk[i].feed_symbol, venue_symbol(pf, mk[i].spec.inst.symbol), sizeof mk[i].feed_symbol);
        const char *sym = mk[i].feed_symbol[0] ? mk[i].feed_symbol : mk[i].spec.inst.symbol;
        char why[PR_ERR_MSG_MAX];
        why_not(pf, sym, mk[i].tf, key, why, sizeof why);
        pr_timeframe bad = mk[i].tf;
        if (!why[0] && mk[i].fine_tf != PR_TF_NONE) {
            why_not(pf, sym, mk[i].fine_tf, key, why, sizeof why);
            bad = mk[i].fine_tf;
        }
        if (!why[0]) {
            left++;
            continue;
        }
        mk[i].no_feed = 1;
        fprintf(f, "skipped      %s %s (%s %s at %s): %s; the other markets go on without it\n",
                mk[i].spec.inst.symbol, pr_tf_name(mk[i].tf), sym, pr_tf_name(bad), pf->source, why);
    }
    fflush(f);
    if (left == 0)
        return pr_err_set(err, PR_ENOTFOUND, "live.feed: the %s feed (%s) serves none of the session's %zu "
                          "market%s (each skipped above): nothing to trade", k_feeds[pf->kind], pf->source, n,
                          n == 1 ? "" : "s");
    return PR_OK;
}

int paper_feed_now(const paper_feed *pf, int64_t *now_ms, pr_err *err) {
    int64_t off = 0;
    int rc = PR_OK;
    const char *rest = pf->base_url[0] ? pf->base_url : NULL;
    if (pf->kind == PAPER_FEED_BINANCE && strcmp(pf->source, "binance-futures") == 0)
        rc = pr_feed_binance_futures_clock_offset(rest, NULL, NULL, NULL, &off, err);
    else if (pf->kind == PAPER_FEED_BINANCE)
        rc = pr_feed_binance_clock_offset(rest ? rest : "https://api.binance.com", NULL, NULL, NULL, &off, err);
    *now_ms = pr_time_now_ms() + off;
    return rc;
}

int paper_feed_open(const paper_feed *pf, const pr_runner_market *mk, size_t n, int64_t since_ms, pr_feed **out,
                    pr_err *err) {
    pr_feed_stream streams[2 * BT_MAX_MARKETS];
    size_t k = 0;
    memset(streams, 0, sizeof streams);
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n && k < 2 * BT_MAX_MARKETS; i++) {
            pr_timeframe tf = pass == 0 ? mk[i].fine_tf : mk[i].tf;
            if (mk[i].no_feed || tf == PR_TF_NONE) continue;
            pr_strlcpy(streams[k].symbol, mk[i].feed_symbol[0] ? mk[i].feed_symbol : mk[i].spec.inst.symbol,
                       sizeof streams[k].symbol);
            streams[k++].tf = tf;
        }
    const char *key = NULL;
    int rc = source_key(pf, &key, err);
    if (rc != PR_OK) return rc;
    if (pf->kind == PAPER_FEED_BINANCE) {
        pr_feed_binance_options o;
        pr_feed_binance_options_init(&o);
        o.futures = strcmp(pf->source, "binance-futures") == 0;
        o.ws_url = pf->ws_url[0] ? pf->ws_url : NULL;
        o.rest_url = pf->base_url[0] ? pf->base_url : NULL;
        o.since_ms = since_ms;
        return pr_feed_binance_new(streams, k, &o, out, err);
    }
    pr_feed_poll_options o;
    memset(&o, 0, sizeof o);
    o.source = pf->source;
    o.base_url = pf->base_url[0] ? pf->base_url : NULL;
    o.key = key;
    o.delay_ms = pf->poll_delay_ms;
    o.since_ms = since_ms;
    return pr_feed_poll_new(streams, k, &o, out, err);
}

void paper_feed_describe(const paper_feed *pf, double speed, FILE *f) {
    if (pf->kind == PAPER_FEED_BINANCE)
        fprintf(f, "feed         binance%s WebSocket klines at %s (backfill and clock: %s), after the stored bars\n",
                strcmp(pf->source, "binance-futures") == 0 ? " futures" : "",
                pf->ws_url[0] ? pf->ws_url : "the venue's default", pf->base_url[0] ? pf->base_url : "its REST API");
    else if (pf->kind == PAPER_FEED_POLL)
        fprintf(f, "feed         %s polled at %s at each bar's close + %lld ms, after the stored bars\n", pf->source,
                pf->base_url[0] ? pf->base_url : "its default URL", (long long)pf->poll_delay_ms);
    else if (speed > 0)
        fprintf(f, "feed         replay of the configured data at %g x real time\n", speed);
    else
        fprintf(f, "feed         replay of the configured data, as fast as possible\n");
    if (pf->scan_ms)
        fprintf(f, "decisions    every %lld s at the scan boundaries (UTC), on the bars closed by then; the bars "
                "between fill orders and update the indicators; Ctrl-C finishes the current step and writes the "
                "session\n", (long long)(pf->scan_ms / 1000));
    else
        fprintf(f, "decisions    at each bar's close; Ctrl-C finishes the current step and writes the session\n");
}
