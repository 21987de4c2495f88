/* Planted look-ahead: a higher timeframe merged before its close. The
 * day's bar (UTC) is built from every bar of the day, those after the
 * current one included, and used at each hour: long while the day closes
 * up, with the stop under the day's low; out while it closes down. */
#define CHEAT_NAME "htf_early"
#include "cheat.h"

static int decide(const pr_series *s, size_t t, int w, double *stop) {
    (void)w;
    const int64_t day = 86400000;
    int64_t d = s->ts[t] / day;
    size_t a = t, b = t;
    while (a > 0 && s->ts[a - 1] / day == d) a--;
    while (b + 1 < s->len && s->ts[b + 1] / day == d) b++;
    double low = s->low[a];
    for (size_t i = a; i <= b; i++) low = fmin(low, s->low[i]);
    *stop = low * 0.999;
    return s->close[b] > s->open[a] ? 1 : -1;
}
