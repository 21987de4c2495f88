/* The control of the planted suite: the same raw access to the series as
 * the cheats, used honestly (only bars up to the current one). A breakout
 * of the previous `window` bars' highest close, the stop under their
 * lowest low; out below their lowest close. The check must report nothing. */
#define CHEAT_NAME "honest"
#include "cheat.h"

static int decide(const pr_series *s, size_t t, int w, double *stop) {
    size_t h = (size_t)w;
    if (t < h) return 0;
    double hi = -INFINITY, lo = INFINITY, low = INFINITY;
    for (size_t i = t - h; i < t; i++) {
        hi = fmax(hi, s->close[i]);
        lo = fmin(lo, s->close[i]);
        low = fmin(low, s->low[i]);
    }
    *stop = low;
    return s->close[t] > hi ? 1 : s->close[t] < lo ? -1 : 0;
}
