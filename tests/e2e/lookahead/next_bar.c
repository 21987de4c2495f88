/* Planted look-ahead: trades on the next bar's close (and puts its stop
 * under the next bar's low), read from the series past the visible bars. */
#define CHEAT_NAME "next_bar"
#include "cheat.h"

static int decide(const pr_series *s, size_t t, int w, double *stop) {
    (void)w;
    if (t + 1 >= s->len) return 0;
    *stop = s->low[t + 1] * 0.999;
    return s->close[t + 1] > s->close[t] ? 1 : -1;
}
