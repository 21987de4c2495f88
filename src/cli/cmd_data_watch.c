/* `proratio data watch`: a live feed (Binance WebSocket, OANDA/Yahoo REST
 * polling, or the replay of stored bars) printed as one JSON line per
 * closed bar until interrupted or --count bars; the feed's state changes
 * go to stderr, and --db also stores each bar as it comes. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd_data.h"
#include "proratio/core/json_text.h"
#include "proratio/data.h"
#include "proratio/data/feed.h"

static const char *watch_usage =
    "usage: proratio data watch --source SRC --symbols S[,S...] --tf TF[,TF...] [options]\n"
    "\n"
    "Prints each CLOSED bar of the streams (every symbol x timeframe) as one JSON line\n"
    "{\"symbol\",\"tf\",\"ts\",\"time\",\"open\",\"high\",\"low\",\"close\",\"volume\"} in time order,\n"
    "each exactly once, until interrupted (Ctrl-C) or --count bars. The feed's state\n"
    "(connecting, disconnected, reconnecting, backfilling, live, error) goes to stderr.\n"
    "\n"
    "sources:\n"
    "  binance     WebSocket kline stream (raw /ws/... for one stream, combined\n"
    "              /stream?streams=... for several); reconnects with backoff and\n"
    "              backfills the bars missed while away by REST; clock checked against\n"
    "              /api/v3/time\n"
    "  binance-futures  the same for USD-M futures (wss://fstream.binance.com,\n"
    "              /fapi/v1/klines, /fapi/v1/time at https://fapi.binance.com)\n"
    "  oanda, yahoo  REST polling at each bar close + --delay (oanda needs\n"
    "              OANDA_API_TOKEN in the environment or ./.env)\n"
    "  replay      the stored bars of --db (venue --venue) at --speed\n"
    "\n"
    "options:\n"
    "  --base-url URL   the venue's REST base (binance: backfill and time)\n"
    "  --ws-url URL     the WebSocket base (default wss://stream.binance.com:9443,\n"
    "                   binance-futures wss://fstream.binance.com)\n"
    "  --config FILE    JSON config: data.download.<source>.base_url and\n"
    "                   data.watch.<source>.ws_url (the flags win)\n"
    "  --from T         first bar wanted (backfilled first); default: from now on\n"
    "  --to T           replay: end of the range (excluded)\n"
    "  --count N        stop after N bars (exit 0)\n"
    "  --db URL         also store each bar (venue: the source's); replay reads it\n"
    "  --venue V        replay: the stored venue (default local)\n"
    "  --speed X        replay: 0 as fast as possible (default), N = N x real time\n"
    "  --delay MS       polling: wait after each bar close (2000)\n"
    "  --backoff MS     binance: first reconnect wait, doubling up to 60 s (1000)\n"
    "  --no-clock-sync  binance: do not apply the /api/v3/time offset\n"
    "  --quiet          no state lines on stderr\n"
    "exit codes: 0 --count reached or the replay ended, 1 feed failure, 2 usage error,\n"
    "            130 interrupted\n";

static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) {
    (void)sig;
    interrupted = 1;
}

typedef struct watch_args {
    const char *source, *symbols, *tfs, *base_url, *ws_url, *from, *to, *count, *db, *venue, *speed, *delay,
        *backoff, *config;
    int no_sync, quiet;
} watch_args;

static int parse_args(int argc, char **argv, watch_args *a) {
    struct { const char *name; const char **dst; } opts[] = {
        {"--source", &a->source}, {"--symbols", &a->symbols}, {"--tf", &a->tfs}, {"--base-url", &a->base_url},
        {"--ws-url", &a->ws_url}, {"--from", &a->from}, {"--to", &a->to}, {"--count", &a->count}, {"--db", &a->db},
        {"--venue", &a->venue}, {"--speed", &a->speed}, {"--delay", &a->delay}, {"--backoff", &a->backoff},
        {"--config", &a->config},
    };
    for (int i = 1; i < argc; i++) {
        if (pr_cli_is_help(argv[i])) return -1;
        if (strcmp(argv[i], "--no-clock-sync") == 0) {
            a->no_sync = 1;
            continue;
        }
        if (strcmp(argv[i], "--quiet") == 0) {
            a->quiet = 1;
            continue;
        }
        int matched = 0;
        for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !matched; k++) {
            int m = pr_cli_opt(argc, argv, &i, opts[k].name, opts[k].dst);
            if (m < 0) return pr_cli_usage_error("data watch", "%s needs a value", opts[k].name);
            matched = m;
        }
        if (!matched) return pr_cli_usage_error("data watch", "unknown argument '%s'", argv[i]);
    }
    return PR_EXIT_OK;
}

/* Every symbol x timeframe of the two comma lists, at most cap. */
static int streams_of(const char *symbols, const char *tfs, pr_feed_stream *out, size_t cap, size_t *n) {
    const char *cmd = "data watch";
    *n = 0;
    for (const char *s = symbols; *s;) {
        size_t sl = strcspn(s, ",");
        if (sl == 0 || sl >= PR_SYMBOL_MAX) return pr_cli_usage_error(cmd, "--symbols: bad entry in '%s'", symbols);
        for (const char *t = tfs; *t;) {
            size_t tl = strcspn(t, ",");
            char name[8] = "";
            pr_timeframe tf;
            if (tl == 0 || tl >= sizeof name) return pr_cli_usage_error(cmd, "--tf: bad entry in '%s'", tfs);
            memcpy(name, t, tl);
            name[tl] = '\0';
            if (pr_tf_parse(name, &tf) != PR_OK) return pr_cli_usage_error(cmd, "--tf: unknown timeframe '%s'", name);
            if (*n >= cap) return pr_cli_usage_error(cmd, "at most %zu streams (symbols x timeframes)", cap);
            memcpy(out[*n].symbol, s, sl);
            out[*n].symbol[sl] = '\0';
            out[(*n)++].tf = tf;
            t += tl + (t[tl] == ',');
        }
        s += sl + (s[sl] == ',');
    }
    if (*n == 0) return pr_cli_usage_error(cmd, "no streams: give --symbols and --tf");
    return PR_EXIT_OK;
}

static void print_bar(const pr_feed_event *ev) {
    char when[PR_TIME_STR_MAX];
    pr_time_format(ev->ts, when, sizeof when);
    json_t *j = json_pack("{s:s, s:s, s:I, s:s, s:f, s:f, s:f, s:f, s:f}", "symbol", ev->symbol, "tf",
                          pr_tf_name(ev->tf), "ts", (json_int_t)ev->ts, "time", when, "open", ev->open, "high",
                          ev->high, "low", ev->low, "close", ev->close, "volume", ev->volume);
    if (!j) return;
    pr_json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    fflush(stdout);
    json_decref(j);
}

static int store_bar(pr_store *st, const char *venue, const pr_feed_event *ev) {
    pr_series s;
    pr_series_init(&s, 1);
    pr_series_push(&s, ev->ts, ev->open, ev->high, ev->low, ev->close, ev->volume);
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_store_put_bars(st, venue, ev->symbol, ev->tf, &s, NULL, &e);
    pr_series_free(&s);
    if (rc != PR_OK) return pr_cli_fail(&e);
    return PR_EXIT_OK;
}

/* The feed the arguments name; an exit code. */
static int open_feed(const watch_args *a, const pr_feed_stream *streams, size_t n, int64_t from, int64_t to,
                     pr_store *st, const pr_dl_source **src_out, pr_feed **f) {
    const char *cmd = "data watch";
    pr_err e;
    pr_err_clear(&e);
    int64_t v;
    int rc;
    if (strcmp(a->source, "replay") == 0) {
        pr_feed_replay_options o;
        memset(&o, 0, sizeof o);
        if (a->speed) {
            char *end;
            o.speed = strtod(a->speed, &end);
            if (*end || !(o.speed >= 0) || o.speed > 1e9)
                return pr_cli_usage_error(cmd, "--speed: expected a number >= 0, got '%s'", a->speed);
        }
        *src_out = NULL; /* read from the store, not written back */
        rc = pr_feed_replay_store(st, a->venue ? a->venue : "local", streams, n, from, to, &o, f, &e);
    } else if (strcmp(a->source, "binance") == 0 || strcmp(a->source, "binance-futures") == 0) {
        pr_feed_binance_options o;
        pr_feed_binance_options_init(&o);
        o.futures = strcmp(a->source, "binance-futures") == 0;
        o.ws_url = a->ws_url;
        o.rest_url = a->base_url;
        o.since_ms = from;
        o.sync_clock = !a->no_sync;
        if (a->backoff) {
            if (pr_cli_parse_int(a->backoff, 1, 600000, &v) != 0)
                return pr_cli_usage_error(cmd, "--backoff: expected milliseconds in [1, 600000], got '%s'", a->backoff);
            o.backoff_ms = v;
        }
        if (o.ws_url && strncmp(o.ws_url, "ws://", 5) != 0 && strncmp(o.ws_url, "wss://", 6) != 0)
            return pr_cli_usage_error(cmd, "--ws-url: expected ws://... or wss://..., got '%s'", o.ws_url);
        *src_out = o.futures ? &pr_dl_source_binance_futures : &pr_dl_source_binance;
        rc = pr_feed_binance_new(streams, n, &o, f, &e);
    } else {
        const pr_dl_source *src = pr_dl_source_find(a->source);
        if (!src || src->asset_class == PR_ASSET_CRYPTO)
            return pr_cli_usage_error(cmd, "--source: expected binance, binance-futures, oanda, yahoo or replay, got '%s'", a->source);
        pr_feed_poll_options o;
        memset(&o, 0, sizeof o);
        o.source = src->name;
        o.base_url = a->base_url;
        o.since_ms = from;
        if (a->delay) {
            if (pr_cli_parse_int(a->delay, 0, 3600000, &v) != 0)
                return pr_cli_usage_error(cmd, "--delay: expected milliseconds in [0, 3600000], got '%s'", a->delay);
            o.delay_ms = v ? v : 1;
        }
        if (src->key_env) {
            rc = pr_env_load(".env", &e);
            if (rc != PR_OK && rc != PR_ENOTFOUND) fprintf(stderr, "proratio: warning: .env: %s\n", e.msg);
            o.key = getenv(src->key_env);
            if (!o.key || !*o.key) {
                fprintf(stderr, "proratio data watch: %s needs a key: set %s in the environment or ./.env\n",
                        src->name, src->key_env);
                return PR_EXIT_USAGE;
            }
        }
        *src_out = src;
        rc = pr_feed_poll_new(streams, n, &o, f, &e);
    }
    return rc == PR_OK ? PR_EXIT_OK : pr_cli_fail(&e);
}

/* The base URLs a --config gives: data.download.<source>.base_url (the
 * download's key, one REST base per venue) and data.watch.<source>.ws_url;
 * the flags win. An exit code. */
static int config_urls(watch_args *a, pr_config **cfg) {
    if (!a->config) return PR_EXIT_OK;
    pr_err e;
    pr_err_clear(&e);
    if (pr_config_load(a->config, cfg, &e) != PR_OK) return pr_cli_fail(&e);
    json_t *d = json_object_get(pr_config_json(*cfg), "data");
    json_t *b = json_object_get(json_object_get(json_object_get(d, "download"), a->source), "base_url");
    json_t *w = json_object_get(json_object_get(json_object_get(d, "watch"), a->source), "ws_url");
    if (!a->base_url && json_is_string(b)) a->base_url = json_string_value(b);
    if (!a->ws_url && json_is_string(w)) a->ws_url = json_string_value(w);
    return PR_EXIT_OK;
}

int pr_cli_data_watch(int argc, char **argv) {
    const char *cmd = "data watch";
    watch_args a;
    memset(&a, 0, sizeof a);
    int ex = parse_args(argc, argv, &a);
    if (ex < 0) {
        fputs(watch_usage, stdout);
        return PR_EXIT_OK;
    }
    if (ex) return ex;
    if (!a.source) return pr_cli_usage_error(cmd, "--source is required (binance, binance-futures, oanda, yahoo or replay)");
    if (!a.symbols || !a.tfs) return pr_cli_usage_error(cmd, "--symbols and --tf are required");
    pr_feed_stream streams[64];
    size_t n;
    if ((ex = streams_of(a.symbols, a.tfs, streams, 64, &n))) return ex;
    int64_t from, to, count = -1;
    if ((ex = pr_cli_time_range(cmd, a.from, a.to, &from, &to))) return ex;
    if (a.to && strcmp(a.source, "replay") != 0) return pr_cli_usage_error(cmd, "--to goes with --source replay");
    if (a.count && pr_cli_parse_int(a.count, 1, INT64_MAX, &count) != 0)
        return pr_cli_usage_error(cmd, "--count: expected a whole number >= 1, got '%s'", a.count);
    pr_config *cfg = NULL;
    if ((ex = config_urls(&a, &cfg))) return ex;
    int replay = strcmp(a.source, "replay") == 0;
    pr_store *st = NULL;
    if (replay && !a.db) ex = pr_cli_usage_error(cmd, "--source replay reads the bars of --db URL");
    else if (a.db) ex = replay ? pr_cli_open_store_ro(a.db, &st) : pr_cli_open_store(a.db, &st);
    if (ex) {
        pr_config_free(cfg);
        return ex;
    }
    const pr_dl_source *src = NULL;
    pr_feed *f = NULL;
    ex = open_feed(&a, streams, n, from, to, st, &src, &f);
    const char *venue = src ? src->venue : NULL;
    for (size_t i = 0; !ex && st && src && i < n; i++) {
        pr_err e;
        pr_err_clear(&e);
        if (pr_dl_ensure_instrument(src, st, streams[i].symbol, streams[i].tf, &e) != PR_OK) ex = pr_cli_fail(&e);
    }
    if (ex) {
        pr_feed_free(f);
        pr_store_close(st);
        pr_config_free(cfg);
        return ex;
    }
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    int64_t got = 0;
    while (ex == PR_EXIT_OK && (count < 0 || got < count)) {
        if (interrupted) {
            ex = PR_EXIT_INTERRUPTED;
            break;
        }
        pr_feed_event ev;
        pr_err e;
        pr_err_clear(&e);
        int rc = pr_feed_next(f, 250, &ev, &e);
        if (rc == PR_ETIMEOUT) continue;
        if (rc != PR_OK) {
            ex = pr_cli_fail(&e);
            break;
        }
        if (ev.kind == PR_FEED_EV_BAR) {
            print_bar(&ev);
            got++;
            if (st && venue) ex = store_bar(st, venue, &ev);
            continue;
        }
        if (!a.quiet) fprintf(stderr, "watch: %s: %s\n", pr_feed_state_name(ev.state), ev.detail);
        if (ev.state == PR_FEED_ENDED) break;
    }
    if (!a.quiet) fprintf(stderr, "watch: %lld bar%s\n", (long long)got, got == 1 ? "" : "s");
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    pr_feed_free(f);
    pr_store_close(st);
    pr_config_free(cfg);
    return ex;
}
