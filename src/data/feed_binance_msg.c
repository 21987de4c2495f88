/* Reading one Binance kline stream message (raw `{"e":"kline",...}` or the
 * combined stream's `{"stream":..., "data":{...}}` wrapper) into a bar:
 * `k.t` open time, `k.o/h/l/c/v` decimal strings, `k.i` interval, `k.x`
 * closed. Shapes: ../shared/fixtures/README.md "WebSocket kline stream". */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "download_internal.h"
#include "feed_internal.h"

int pr_feed_binance_parse(const char *msg, size_t len, pr_feed_event *ev, int *closed, pr_err *err) {
    json_error_t je;
    json_t *root = json_loadb(msg, len, 0, &je);
    if (!root) return pr_err_set(err, PR_EPARSE, "binance stream: not JSON (%s at column %d)", je.text, je.column);
    int rc = 0;
    json_t *d = root;
    json_t *wrapped = json_object_get(root, "data");
    if (json_is_object(wrapped) && json_is_string(json_object_get(root, "stream"))) d = wrapped;
    json_t *e = json_object_get(d, "e");
    if (!json_is_object(d)) {
        rc = pr_err_set(err, PR_EPARSE, "binance stream: expected a JSON object");
    } else if (!json_is_string(e) || strcmp(json_string_value(e), "kline") != 0) {
        rc = 0; /* another event or a subscription reply */
    } else {
        json_t *k = json_object_get(d, "k");
        json_t *t = json_object_get(k, "t"), *s = json_object_get(k, "s"), *i = json_object_get(k, "i");
        json_t *x = json_object_get(k, "x");
        static const char *const names[5] = {"o", "h", "l", "c", "v"};
        double v[5];
        int ok = json_is_object(k) && json_is_integer(t) && json_is_string(s) && json_is_string(i) &&
                 json_is_boolean(x);
        for (int f = 0; ok && f < 5; f++) ok = dl_json_number(json_object_get(k, names[f]), &v[f]);
        pr_timeframe tf = PR_TF_NONE;
        if (!ok) {
            rc = pr_err_set(err, PR_EPARSE, "binance stream: kline without k.t, k.s, k.i, k.x or a number in k.o/h/l/c/v");
        } else if (pr_tf_parse(json_string_value(i), &tf) != PR_OK) {
            rc = pr_err_set(err, PR_EUNSUPPORTED, "binance stream: interval '%s' has no timeframe here",
                            json_string_value(i));
        } else {
            memset(ev, 0, sizeof *ev);
            ev->kind = PR_FEED_EV_BAR;
            snprintf(ev->symbol, sizeof ev->symbol, "%s", json_string_value(s));
            ev->tf = tf;
            ev->ts = json_integer_value(t);
            ev->open = v[0];
            ev->high = v[1];
            ev->low = v[2];
            ev->close = v[3];
            ev->volume = v[4];
            *closed = json_is_true(x);
            rc = 1;
        }
    }
    json_decref(root);
    return rc;
}
