/* Seeded pseudo-random numbers: xoshiro256** (Blackman & Vigna) with its
 * state expanded from a 64-bit seed by splitmix64. The state is explicit, so
 * the same seed gives the same sequence on every platform and thread. */
#include <math.h>

#include "proratio/core.h"

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void pr_rng_seed(pr_rng *r, uint64_t seed) {
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

uint64_t pr_rng_next(pr_rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double pr_rng_uniform(pr_rng *r) {
    /* Top 53 bits -> a multiple of 2^-53 in [0, 1). */
    return (double)(pr_rng_next(r) >> 11) * 0x1.0p-53;
}

double pr_rng_normal(pr_rng *r) {
    /* Marsaglia's polar method. The spare second value is discarded because
     * pr_rng holds no cache: one call always consumes whole draws, which keeps
     * sequences reproducible regardless of how calls are interleaved. */
    for (;;) {
        double u = 2.0 * pr_rng_uniform(r) - 1.0;
        double v = 2.0 * pr_rng_uniform(r) - 1.0;
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) return u * sqrt(-2.0 * log(s) / s);
    }
}
