/* The funding model: which payments of a perpetual are due in a span of
 * time, from a rate series or a constant rate on the interval's grid. */
#include "proratio/engine.h"

/* The first multiple of iv at or after t. */
static int64_t ceil_to(int64_t t, int64_t iv) {
    return (t >= 0 ? (t + iv - 1) / iv : -((-t) / iv)) * iv;
}

static int64_t fund_iv(const pr_funding *fd) { return fd->interval_ms > 0 ? fd->interval_ms : 8 * PR_MS_PER_HOUR; }

int64_t pr_funding_time(int64_t t) {
    int64_t q = t + PR_MS_PER_MIN / 2;
    int64_t r = q % PR_MS_PER_MIN;
    return q - (r < 0 ? r + PR_MS_PER_MIN : r);
}

void pr_funding_due_before(pr_funding_clock *c, const pr_funding *fd, int64_t t0, int holding, pr_funding_pay_fn pay,
                           void *ctx) {
    if (!fd->perpetual) return;
    if (fd->n > 0) {
        for (; c->idx < fd->n && pr_funding_time(fd->ts[c->idx]) < t0; c->idx++)
            if (holding) pay(ctx, fd->rate[c->idx]);
        return;
    }
    if (!holding || !c->started) return;
    int64_t iv = fund_iv(fd);
    for (int64_t t = c->next; t < t0; t += iv) pay(ctx, fd->rate_default);
}

void pr_funding_due_in(pr_funding_clock *c, const pr_funding *fd, int64_t t0, int64_t t1, int holding,
                       pr_funding_pay_fn pay, void *ctx) {
    if (!fd->perpetual) return;
    if (fd->n > 0) {
        while (c->idx < fd->n && pr_funding_time(fd->ts[c->idx]) < t0) c->idx++;
        for (; c->idx < fd->n && pr_funding_time(fd->ts[c->idx]) < t1; c->idx++)
            if (holding) pay(ctx, fd->rate[c->idx]);
        return;
    }
    int64_t iv = fund_iv(fd);
    for (int64_t t = ceil_to(t0, iv); t < t1 && holding; t += iv) pay(ctx, fd->rate_default);
    c->next = ceil_to(t1, iv);
    c->started = 1;
}

int64_t pr_funding_next(const pr_funding_clock *c, const pr_funding *fd, int64_t t, int64_t end) {
    if (!fd->perpetual) return INT64_MAX;
    if (fd->n > 0) {
        for (size_t i = c->idx; i < fd->n; i++) {
            int64_t te = pr_funding_time(fd->ts[i]);
            if (te >= end) break;
            if (te > t) return te;
        }
        return INT64_MAX;
    }
    int64_t g = ceil_to(t + 1, fund_iv(fd));
    return g < end ? g : INT64_MAX;
}
