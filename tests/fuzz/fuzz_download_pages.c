/* Fuzz target: the download sources' readers of venue replies (src/data
 * source_*.c: the one-pass Binance kline reader and its jansson fallback,
 * Yahoo, OANDA, Alpha Vantage and CoinGecko pages, Binance funding and
 * exchangeInfo, and every source's error classification over the statuses
 * that matter). The input is a reply body. Properties beyond memory safety:
 * a reader answers PR_OK or PR_EPARSE (the downloader retries only the
 * latter) and appends only to the series it is given; a classification is
 * one of the verdicts, and a ban or wait is never in the past. */
#include <string.h>

#include "proratio/data.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *body = (const char *)data;
    size_t n;
    const pr_dl_source *const *all = pr_dl_sources(&n);
    static const pr_timeframe tfs[] = {PR_TF_1M, PR_TF_30M, PR_TF_4H, PR_TF_1D};
    static const long statuses[] = {200, 400, 401, 403, 404, 418, 422, 429, 500, 503};
    for (size_t k = 0; k < n; k++) {
        const pr_dl_source *src = all[k];
        for (size_t t = 0; t < sizeof tfs / sizeof tfs[0]; t++) {
            pr_series s;
            pr_series_init(&s, 0);
            pr_series_push(&s, 1, 1, 1, 1, 1, 1); /* an earlier row stays */
            pr_err e;
            pr_err_clear(&e);
            int rc = src->parse(body, size, tfs[t], &s, &e);
            PR_FUZZ_CHECK(rc == PR_OK || rc == PR_EPARSE || rc == PR_ENOMEM, "a page reader answers OK or EPARSE");
            PR_FUZZ_CHECK(s.len >= 1 && s.ts[0] == 1 && s.open[0] == 1, "a reader appends only");
            pr_series_free(&s);
        }
        if (src->parse_funding) {
            pr_funding_rate *r = NULL;
            size_t m = 0;
            pr_err e;
            pr_err_clear(&e);
            int rc = src->parse_funding(body, size, &r, &m, &e);
            PR_FUZZ_CHECK(rc == PR_OK || rc == PR_EPARSE || rc == PR_ENOMEM, "a funding reader answers OK or EPARSE");
            if (rc == PR_OK) free(r);
        }
        if (src->parse_instrument) {
            pr_instrument in;
            pr_err e;
            pr_err_clear(&e);
            int rc = src->parse_instrument(body, size, "BTCUSDT", &in, &e);
            if (rc == PR_OK) PR_FUZZ_CHECK(in.tick_size > 0 && in.lot_step > 0, "stored metadata has a grid");
        }
        for (size_t j = 0; j < sizeof statuses / sizeof statuses[0]; j++) {
            pr_dl_reply rp;
            memset(&rp, 0, sizeof rp);
            rp.status = statuses[j];
            rp.body = (char *)body;
            rp.len = size;
            rp.retry_after_ms = j % 2 ? 1000 : -1;
            rp.used_weight = rp.server_ms = -1;
            pr_dl_verdict v;
            pr_dl_classify_http(&rp, 5000, &v);
            if (src->classify) src->classify(&rp, 5000, &v);
            PR_FUZZ_CHECK(v.kind >= PR_DL_OK && v.kind <= PR_DL_BAN, "a verdict is one of the kinds");
            PR_FUZZ_CHECK(v.kind != PR_DL_BAN || v.until_ms < 0 || v.until_ms > 5000, "a ban ends after now");
            PR_FUZZ_CHECK(v.kind != PR_DL_WAIT || v.wait_ms >= -1, "a wait is not negative");
            PR_FUZZ_CHECK(strlen(v.why) < sizeof v.why && strlen(v.code) < sizeof v.code, "messages are terminated");
        }
    }
    return 0;
}
