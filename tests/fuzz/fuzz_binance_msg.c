/* Fuzz target: the Binance WebSocket kline message reader
 * (src/data/feed_binance_msg.c, pr_feed_binance_parse), which reads every
 * frame a live stream sends. The input is one message. Properties beyond
 * memory safety: it answers 1 (a kline), 0 (another message) or PR_EPARSE /
 * PR_EUNSUPPORTED, nothing else; a kline has a known timeframe, a
 * NUL-terminated symbol and closed 0 or 1; a non-kline leaves the event as
 * it was; and reading the same bytes twice gives the same answer. */
#include <string.h>

#include "proratio/data.h"
#include "proratio/data/feed.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *msg = (const char *)data;
    pr_feed_event ev, again;
    memset(&ev, 0x5a, sizeof ev);
    int closed = 7, closed2 = 7;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_feed_binance_parse(msg, size, &ev, &closed, &e);
    PR_FUZZ_CHECK(rc == 1 || rc == 0 || rc == PR_EPARSE || rc == PR_EUNSUPPORTED,
                  "the reader answers 1, 0, PR_EPARSE or PR_EUNSUPPORTED");
    if (rc == 1) {
        PR_FUZZ_CHECK(ev.kind == PR_FEED_EV_BAR, "a kline is a bar event");
        PR_FUZZ_CHECK(ev.tf > PR_TF_NONE && ev.tf < PR_TF_COUNT, "a kline has a known timeframe");
        PR_FUZZ_CHECK(memchr(ev.symbol, '\0', sizeof ev.symbol) != NULL, "the symbol is NUL-terminated");
        PR_FUZZ_CHECK(closed == 0 || closed == 1, "closed is 0 or 1");
    } else {
        unsigned char pattern[sizeof ev];
        memset(pattern, 0x5a, sizeof pattern);
        PR_FUZZ_CHECK(memcmp(&ev, pattern, sizeof ev) == 0, "a message that is not a kline leaves the event alone");
        PR_FUZZ_CHECK(closed == 7, "a message that is not a kline leaves closed alone");
        PR_FUZZ_CHECK(rc == 0 || e.msg[0] != '\0', "a refusal says why");
    }
    memset(&again, 0x5a, sizeof again);
    pr_err_clear(&e);
    int rc2 = pr_feed_binance_parse(msg, size, &again, &closed2, &e);
    PR_FUZZ_CHECK(rc2 == rc, "the same message gets the same answer");
    if (rc == 1)
        PR_FUZZ_CHECK(closed2 == closed && again.ts == ev.ts && again.tf == ev.tf &&
                          strcmp(again.symbol, ev.symbol) == 0 && memcmp(&again.open, &ev.open, 5 * sizeof ev.open) == 0,
                      "the same message gives the same bar");
    return 0;
}
