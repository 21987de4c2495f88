/* Planted look-ahead: an indicator centred on the bar. The moving average
 * over the `window` bars on each side of it (a smoother that charts well
 * and cannot exist at the bar's close); long below it, out above. */
#define CHEAT_NAME "centred_ma"
#include "cheat.h"

static int decide(const pr_series *s, size_t t, int w, double *stop) {
    size_t h = (size_t)w, lo = t > h ? t - h : 0, hi = t + h < s->len ? t + h + 1 : s->len;
    double sum = 0;
    for (size_t i = lo; i < hi; i++) sum += s->close[i];
    double cma = sum / (double)(hi - lo);
    *stop = cma * 0.9;
    return s->close[t] < cma ? 1 : -1;
}
