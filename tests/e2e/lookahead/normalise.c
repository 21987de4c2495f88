/* Planted look-ahead: a normalisation over the whole series. The close as a
 * z-score against the mean and standard deviation of every bar loaded (the
 * future's included), long below -0.5, out above +0.5. */
#define CHEAT_NAME "normalise"
#include "cheat.h"

static int decide(const pr_series *s, size_t t, int w, double *stop) {
    (void)w;
    double sum = 0, sq = 0;
    for (size_t i = 0; i < s->len; i++) sum += s->close[i];
    double mean = sum / (double)s->len;
    for (size_t i = 0; i < s->len; i++) sq += (s->close[i] - mean) * (s->close[i] - mean);
    double sd = sqrt(sq / (double)s->len), z = (s->close[t] - mean) / sd;
    *stop = mean - 3 * sd;
    return z < -0.5 ? 1 : z > 0.5 ? -1 : 0;
}
