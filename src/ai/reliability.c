/* Reliability building blocks with an injected clock: the token-bucket rate
 * limiter, the circuit breaker and exponential backoff with seeded jitter. */
#include <math.h>

#include "proratio/ai.h"

void pr_token_bucket_init(pr_token_bucket *b, double rate_per_min, double burst, int64_t now_ms) {
    b->rate_per_ms = rate_per_min > 0 ? rate_per_min / 60000.0 : 0;
    b->capacity = burst >= 1 ? burst : 1;
    b->tokens = b->capacity;
    b->last_ms = now_ms;
}

int64_t pr_token_bucket_take(pr_token_bucket *b, int64_t now_ms) {
    if (b->rate_per_ms <= 0) return 0;
    if (now_ms > b->last_ms) {
        b->tokens = fmin(b->capacity, b->tokens + (double)(now_ms - b->last_ms) * b->rate_per_ms);
        b->last_ms = now_ms;
    }
    if (b->tokens >= 1) {
        b->tokens -= 1;
        return 0;
    }
    double wait = ceil((1 - b->tokens) / b->rate_per_ms);
    return wait < 1 ? 1 : (int64_t)wait;
}

void pr_breaker_init(pr_breaker *b, int threshold, int64_t cooldown_ms) {
    b->threshold = threshold;
    b->cooldown_ms = cooldown_ms;
    b->consecutive = 0;
    b->open = 0;
    b->open_until = 0;
    b->trial = 0;
}

int pr_breaker_allow(pr_breaker *b, int64_t now_ms) {
    if (!b->open) return 1;
    if (now_ms < b->open_until || b->trial) return 0;
    b->trial = 1; /* half-open: exactly one call probes the provider */
    return 1;
}

int pr_breaker_record(pr_breaker *b, int failed, int64_t now_ms) {
    if (!failed) {
        b->consecutive = 0;
        b->open = 0;
        b->trial = 0;
        return 0;
    }
    b->consecutive++;
    if (b->open && b->trial) { /* the probe failed: another cooldown */
        b->trial = 0;
        b->open_until = now_ms + b->cooldown_ms;
        return 1;
    }
    if (!b->open && b->threshold > 0 && b->consecutive >= b->threshold) {
        b->open = 1;
        b->trial = 0;
        b->open_until = now_ms + b->cooldown_ms;
        return 1;
    }
    return 0;
}

int64_t pr_backoff_ms(int attempt, double base_s, double max_s, pr_rng *rng) {
    double d = base_s * ldexp(1.0, attempt < 0 ? 0 : (attempt > 30 ? 30 : attempt));
    if (d > max_s) d = max_s;
    double u = rng ? pr_rng_uniform(rng) : 0.5;
    return (int64_t)llround(d * (0.5 + 0.5 * u) * 1000.0);
}
