/* Downloading bars (and funding rates, instrument metadata) from venues'
 * REST APIs into the store: incremental (each dataset continues after its
 * last stored bar), page by page (each page one transaction with its
 * import-log record, so an interrupted download resumes where it stopped),
 * validated exactly as imports are (the page's request named where an
 * import names file:line), with the still-forming bar never stored, rate
 * limits honoured before they bite (request weight, Retry-After, bans) and
 * retries with exponential backoff and seeded jitter. The transport, the
 * clock and the sleep are injectable, so tests need neither a network nor
 * real waiting. A venue is one adapter (pr_dl_source) and one row of
 * data/sources.h. */
#ifndef PRORATIO_DATA_DOWNLOAD_H
#define PRORATIO_DATA_DOWNLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/sources.h"
#include "proratio/data/store.h"
#include "proratio/data/validate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- one HTTP request ------------------------------------------------------- */
typedef struct pr_dl_request {
    char method[8];          /* "" or "GET"; "POST", "PUT", "DELETE" send the
                                parameters in the URL and an empty body     */
    char url[1024];          /* what is fetched (may carry a key: never shown) */
    char shown[512];         /* the request as reported: "GET /api/v3/klines?..."
                                (path and query, no host, no secret)         */
    char headers[2][256];    /* extra headers (e.g. a bearer token: secret)  */
    size_t n_headers;
    int weight;              /* the venue's request weight (0: untracked)     */
} pr_dl_request;

typedef struct pr_dl_reply {
    long status;             /* HTTP status; 0 when no response came          */
    int transport;           /* 0 ok; 1 failed: timeout, refused, body cut off */
    char error[160];         /* transport failure text                        */
    char *body;              /* malloc'd, NUL-terminated (pr_dl_reply_free)   */
    size_t len;
    int64_t retry_after_ms;  /* Retry-After; -1 absent                        */
    int64_t used_weight;     /* X-MBX-USED-WEIGHT-1M; -1 absent               */
    int64_t server_ms;       /* the Date header (the venue's now); -1 absent  */
    /* Binance's order counts so far in the 10 s, 1 min and 1 day windows
     * (X-MBX-ORDER-COUNT-10S / -1M / -1D); -1 absent. */
    int64_t order_count_10s, order_count_1m, order_count_1d;
} pr_dl_reply;

void pr_dl_reply_free(pr_dl_reply *r);

/* Transport: fills *out (zeroed first) and returns 0; transport failures
 * are reported in out->transport, never as a status. */
typedef int (*pr_dl_get_fn)(void *user, const pr_dl_request *rq, double timeout_s, pr_dl_reply *out);

/* The default transport, libcurl with one kept-alive connection. */
typedef struct pr_dl_http pr_dl_http;
int pr_dl_http_new(pr_dl_http **out, pr_err *err);
void pr_dl_http_free(pr_dl_http *h);
/* user: a pr_dl_http. */
int pr_dl_http_get(void *user, const pr_dl_request *rq, double timeout_s, pr_dl_reply *out);
/* The same transport for a JSON POST (notifiers, webhooks): json is the
 * body, sent with Content-Type application/json; the connect timeout is
 * never longer than timeout_s. */
int pr_dl_http_post(void *user, const pr_dl_request *rq, const char *json, double timeout_s, pr_dl_reply *out);

/* ---- what a reply means ----------------------------------------------------- */
typedef enum pr_dl_verdict_kind {
    PR_DL_OK = 0,   /* parse the body                                        */
    PR_DL_RETRY,    /* timeout, 5xx, truncated body: back off and retry      */
    PR_DL_NEVER,    /* 400/401/403/404, bad symbol: retrying cannot help     */
    PR_DL_WAIT,     /* rate limited (429): wait wait_ms, then retry          */
    PR_DL_BAN       /* banned (418): no request to the venue before until_ms */
} pr_dl_verdict_kind;

typedef struct pr_dl_verdict {
    pr_dl_verdict_kind kind;
    int64_t wait_ms;         /* WAIT: how long (-1: unknown, back off)        */
    int64_t until_ms;        /* BAN: when it ends (-1: unknown)               */
    char code[64];           /* the venue's error code ("-1121", OANDA's long names), or "" */
    char why[200];           /* the venue's message or the transport failure  */
} pr_dl_verdict;

/* The classification every venue starts from: transport failure and 5xx ->
 * RETRY, 429 -> WAIT (Retry-After), 418 -> BAN (Retry-After), other 4xx ->
 * NEVER, 2xx -> OK. now_ms turns Retry-After into until_ms. */
void pr_dl_classify_http(const pr_dl_reply *rp, int64_t now_ms, pr_dl_verdict *v);

/* ---- a source (one venue's adapter) ------------------------------------------ */
/* How one dataset of a source differs from the source's defaults: a symbol
 * may name another series of the venue (BTCUSDT.PREMIUM, EURUSD.BID, an FX
 * pair on a stock source), with its own calendar and columns. */
typedef struct pr_dl_series {
    pr_asset_class asset_class;  /* the gap calendar                          */
    int no_volume;               /* as pr_dl_source.no_volume                 */
    int signed_prices;           /* 1: prices may be zero or negative (an
                                    index such as the premium index)          */
    size_t instrument_len;       /* the instrument's part of the dataset's
                                    symbol (EUR_USD of EUR_USD.BID), whose
                                    defaults its instrument row gets; 0: all */
} pr_dl_series;

typedef struct pr_dl_source {
    const char *name;            /* --source                                  */
    const char *venue;           /* venue name the datasets are stored under  */
    const char *base_url;        /* default REST base (config/--base-url win) */
    const char *key_env;         /* environment variable of the key, or NULL  */
    pr_asset_class asset_class;  /* picks the gap calendar                    */
    int page_bars;               /* bars per page requested                   */
    int weight_limit;            /* request weight per minute (0: untracked)  */
    int no_volume;               /* 1: the venue gives no volume (stored 0 for
                                    new bars, a stored volume left as it is) */
    /* The request for bars [from_ms, to_ms) of at most page_bars bars;
     * PR_EUNSUPPORTED for a timeframe the venue lacks. */
    int (*build)(const char *base, const char *key, const char *symbol, pr_timeframe tf, int64_t from_ms,
                 int64_t to_ms, int limit, pr_dl_request *rq, pr_err *err);
    /* Appends the page's bars to out (any order; validation follows). */
    int (*parse)(const char *body, size_t len, pr_timeframe tf, pr_series *out, pr_err *err);
    /* Refines pr_dl_classify_http with the venue's error body (NULL: as is). */
    void (*classify)(const pr_dl_reply *rp, int64_t now_ms, pr_dl_verdict *v);
    /* Where the page after one ending with the bar opening at last_ts
     * starts; NULL: the next bar on the timeframe's grid. */
    int64_t (*next)(pr_timeframe tf, int64_t last_ts);
    /* Optional: funding-rate history (perpetuals). */
    int (*build_funding)(const char *base, const char *symbol, int64_t from_ms, int64_t to_ms, int limit,
                         pr_dl_request *rq, pr_err *err);
    int (*parse_funding)(const char *body, size_t len, pr_funding_rate **out, size_t *n, pr_err *err);
    /* Optional: instrument metadata (tick, lot step, minimum notional). */
    int (*build_instrument)(const char *base, const char *symbol, pr_dl_request *rq, pr_err *err);
    int (*parse_instrument)(const char *body, size_t len, const char *symbol, pr_instrument *out, pr_err *err);
    /* Optional: refines *out (filled from the fields above) for one
     * dataset; NULL: every dataset is as the source says. */
    void (*series)(const char *symbol, pr_timeframe tf, pr_dl_series *out);
} pr_dl_source;

/* The dataset's series: the source's defaults refined by its `series`. */
void pr_dl_series_of(const pr_dl_source *src, const char *symbol, pr_timeframe tf, pr_dl_series *out);

/* Binance's kline intervals: 1 when spot (futures = 0) or USD-M futures
 * have klines of tf (the downloads and the streams), and their list. */
int pr_dl_binance_has_tf(pr_timeframe tf, int futures);
const char *pr_dl_binance_intervals(int futures);

/* OANDA's instrument name of a symbol: "EURUSD" or "EUR_USD" (a .BID /
 * .ASK suffix dropped) -> "EUR_USD"; PR_EINVAL for anything but upper-case
 * letters, digits and '_'. */
int pr_dl_oanda_instrument(const char *symbol, char *out, size_t cap, pr_err *err);

/* Makes sure the dataset's instrument has a row of the class the source
 * trades (pr_store_ensure_instrument with the series' class and
 * instrument), so its gaps are judged on that class's calendar; downloads
 * and `data watch --db` call it before their first bars. */
int pr_dl_ensure_instrument(const pr_dl_source *src, pr_store *st, const char *symbol, pr_timeframe tf,
                            pr_err *err);

#define PR_DL_DECLARE(id, cli) extern const pr_dl_source pr_dl_source_##id;
PR_DL_SOURCES(PR_DL_DECLARE)
#undef PR_DL_DECLARE

/* The source called `name`, or NULL. */
const pr_dl_source *pr_dl_source_find(const char *name);
/* Every source, in data/sources.h order (n set to their number). */
const pr_dl_source *const *pr_dl_sources(size_t *n);

/* ---- downloading ---------------------------------------------------------------- */
typedef struct pr_dl_clock {
    int64_t (*now_ms)(void *user);           /* NULL: pr_time_now_ms       */
    void (*sleep_ms)(void *user, int64_t ms); /* NULL: nanosleep           */
    void *user;
} pr_dl_clock;

/* Progress of one dataset, after each page. */
typedef struct pr_dl_progress {
    const char *symbol;
    pr_timeframe tf;             /* PR_TF_NONE: funding rates                 */
    int64_t from_ms, to_ms, at_ms; /* the range and how far it got            */
    size_t bars;                 /* stored so far                             */
} pr_dl_progress;

typedef struct pr_dl_options {
    const char *base_url;        /* NULL: the source's                        */
    const char *key;             /* the source's key (secret), or NULL        */
    int64_t from_ms;             /* first bar wanted                          */
    int64_t to_ms;               /* end (excluded); PR_TIME_NONE: now         */
    int strict;                  /* a page with any defect is not stored and
                                    stops its dataset (PR_EDATA)              */
    int max_retries;             /* per request; 0 -> 5, negative: none      */
    int64_t backoff_ms;          /* first backoff; 0 -> 500 (doubles, <= 60 s) */
    int64_t max_wait_ms;         /* longest wait accepted for a rate limit or
                                    ban; 0 -> 300000; longer: PR_ELIMIT       */
    int weight_limit;            /* 0: the source's                           */
    double timeout_s;            /* per request; 0 -> 30                      */
    uint64_t seed;               /* backoff jitter                            */
    pr_dl_get_fn get;            /* NULL: a pr_dl_http of the session's own   */
    void *get_user;
    pr_dl_clock clock;
    /* Called after each page with its validation report (the page's
     * request in rep->file, rows by index); may be NULL. */
    void (*on_page)(void *user, const pr_data_report *rep);
    void (*on_progress)(void *user, const pr_dl_progress *p);
    void *user;
    /* Polled between requests: non-zero stops the download (PR_ESTATE,
     * "interrupted"); committed pages stay. NULL: never. */
    int (*cancelled)(void *user);
} pr_dl_options;

void pr_dl_options_init(pr_dl_options *o);

/* One venue's state across the datasets of a run: the weight used this
 * minute and any ban apply to every later request to that venue. */
typedef struct pr_dl_session {
    const pr_dl_source *src;
    pr_dl_options o;
    char base[512];
    pr_rng rng;
    int64_t used_weight, weight_minute, weight_total;
    int64_t ban_until;           /* ms; 0: not banned                         */
    pr_dl_http *own_http;
} pr_dl_session;

int pr_dl_session_init(pr_dl_session *s, const pr_dl_source *src, const pr_dl_options *o, pr_err *err);
void pr_dl_session_free(pr_dl_session *s);

/* What one dataset's download did. */
typedef struct pr_dl_result {
    int64_t from_ms, to_ms;      /* the range requested after the stored bars */
    size_t pages;                /* pages stored (each one transaction)       */
    size_t requests, retries;
    int64_t weight;              /* request weight these requests cost        */
    int64_t waited_ms;           /* time spent waiting (rate limits, backoff) */
    size_t rows;                 /* bars received                             */
    size_t inserted, updated, unchanged;
    size_t skipped;              /* rows the validation dropped               */
    size_t forming;              /* still-forming bars not stored             */
    size_t empty_pages;          /* empty pages inside the range (reported)   */
    size_t gaps, missing_bars;   /* as an import reports them                 */
    size_t defects;              /* warnings + errors over all pages          */
    int64_t first_ts, last_ts;   /* bars stored; PR_TIME_NONE when none       */
    int up_to_date;              /* 1: nothing was left to download           */
} pr_dl_result;

/* The request-weight and ban policy of a session, for any caller that
 * talks to the venue through it (the downloader, and the live module's
 * venue adapters, which share one session per venue so that orders and
 * downloads count against the same per-minute weight and ban). */
int64_t pr_dl_now(const pr_dl_session *s);
/* Waits ms through the session's clock, counted in res->waited_ms (res may
 * be NULL). */
void pr_dl_sleep(pr_dl_session *s, int64_t ms, pr_dl_result *res);
/* Backoff before retry number attempt (0-based): backoff_ms * 2^attempt
 * (at most 60 s) plus a seeded jitter in [0, half of that). */
int64_t pr_dl_backoff_ms(pr_dl_session *s, int attempt);
/* Before a request of this weight: waits out a ban (or fails with
 * PR_ELIMIT when it is longer than max_wait_ms) and the rest of the minute
 * when the weight would come close to the limit. */
int pr_dl_pace(pr_dl_session *s, int weight, pr_dl_result *res, pr_err *err);
/* After a reply: the venue's count of the minute (or ours). */
void pr_dl_count_weight(pr_dl_session *s, const pr_dl_reply *rp, int weight, pr_dl_result *res);

/* Downloads the bars of (symbol, tf) into st: from after the last stored bar
 * (or o.from_ms when the stored bars start later) to o.to_ms / now, page by
 * page. Returns 0, PR_EINVAL / PR_EUNSUPPORTED (bad symbol or timeframe for
 * the venue), PR_EVENUE / PR_EHTTP (a request the venue refuses: err has
 * http_status and venue_code), PR_ELIMIT (rate limited or banned for longer
 * than max_wait_ms: the message says until when), PR_ETIMEOUT (retries
 * exhausted), PR_EDATA (strict), PR_EDB, PR_ESTATE (cancelled). res holds
 * what was done either way; pages committed before a failure stay. */
int pr_dl_bars(pr_dl_session *s, pr_store *st, const char *symbol, pr_timeframe tf, pr_dl_result *res,
               pr_err *err);
/* The same for the funding-rate history (PR_EUNSUPPORTED when the source
 * has none). */
int pr_dl_funding(pr_dl_session *s, pr_store *st, const char *symbol, pr_dl_result *res, pr_err *err);
/* Fetches the instrument's venue metadata and stores it (PR_EUNSUPPORTED
 * when the source has none). */
int pr_dl_instrument(pr_dl_session *s, pr_store *st, const char *symbol, pr_instrument *out, pr_err *err);
/* The range pr_dl_bars would request for (symbol, tf), without any request:
 * for --dry-run. *from_ms >= *to_ms means up to date. */
int pr_dl_plan(pr_dl_session *s, pr_store *st, const char *symbol, pr_timeframe tf, int64_t *from_ms,
               int64_t *to_ms, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
