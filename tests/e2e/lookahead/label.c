/* Planted look-ahead: a label used as a feature. The return over the next
 * `window` bars (what a model would be trained to predict) decides. */
#define CHEAT_NAME "label"
#include "cheat.h"

static int decide(const pr_series *s, size_t t, int w, double *stop) {
    size_t h = (size_t)w;
    if (t + h >= s->len) return 0;
    double r = s->close[t + h] / s->close[t] - 1;
    *stop = s->close[t] * (1 - fabs(r));
    return r > 0.01 ? 1 : r < -0.01 ? -1 : 0;
}
