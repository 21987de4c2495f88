/* The optimiser's samplers (optimize.h): the grid in order, seeded random
 * points, and TPE — the tree-structured Parzen estimator of Bergstra et al.
 * (2011) as Optuna runs it by default: after `startup` random trials the
 * trials seen are split into the best few (10%, at most 25) and the rest,
 * each dimension gets a Parzen density for both groups (truncated Gaussians
 * at the points plus a wide prior, bandwidth from the neighbours' gaps;
 * counts for a choice), and of `candidates` points drawn from the good
 * density the one with the largest good/bad ratio is taken. Every draw
 * comes from a generator seeded by (seed, trial), and TPE reads only the
 * trials of earlier batches, so a trial's point does not depend on how many
 * workers ran the ones before it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/engine.h"
#include "opt_internal.h"

#define MAX_DRAWS 1000

int pr_sampler_parse(const char *s, pr_sampler_kind *out) {
    static const char *const names[] = {"grid", "random", "tpe"};
    for (int i = 0; i < 3; i++)
        if (s && strcmp(s, names[i]) == 0) {
            *out = (pr_sampler_kind)i;
            return PR_OK;
        }
    return PR_EINVAL;
}

const char *pr_sampler_name(pr_sampler_kind k) {
    return k == PR_SAMPLER_GRID ? "grid" : k == PR_SAMPLER_RANDOM ? "random" : k == PR_SAMPLER_TPE ? "tpe" : "?";
}

static void trial_rng(pr_rng *r, uint64_t seed, size_t k) {
    pr_rng_seed(r, seed ^ (0x9E3779B97F4A7C15ULL * ((uint64_t)k + 1)));
}

/* The internal (continuous) range of a numeric dimension: log for LOG, and
 * half a step beyond each end for INT so the ends are as likely as the rest. */
static void range_of(const pr_opt_dim *d, double *lo, double *hi) {
    if (d->kind == PR_OPT_LOG) {
        *lo = log(d->lo);
        *hi = log(d->hi);
    } else if (d->kind == PR_OPT_INT) {
        *lo = d->lo - 0.5 * d->step;
        *hi = d->hi + 0.5 * d->step;
    } else {
        *lo = d->lo;
        *hi = d->hi;
    }
}

/* An internal value back to the dimension's value: rounded to its step and
 * kept within its bounds. */
static double from_internal(const pr_opt_dim *d, double u) {
    double v = d->kind == PR_OPT_LOG ? exp(u) : u;
    if (d->step > 0) v = d->lo + d->step * round((v - d->lo) / d->step);
    if (v < d->lo) v = d->lo;
    if (v > d->hi) v = d->hi;
    return v;
}

static double to_internal(const pr_opt_dim *d, double v) { return d->kind == PR_OPT_LOG ? log(v) : v; }

static double uniform_value(const pr_opt_dim *d, pr_rng *r) {
    if (d->kind == PR_OPT_CHOICE) {
        size_t i = (size_t)(pr_rng_uniform(r) * d->n_choices);
        return (double)(i < (size_t)d->n_choices ? i : (size_t)d->n_choices - 1);
    }
    double lo, hi;
    range_of(d, &lo, &hi);
    return from_internal(d, lo + (hi - lo) * pr_rng_uniform(r));
}

static const char *constraint_text(const pr_opt_space *sp, char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sp->n_cons && n < cap; i++) {
        const pr_opt_constraint *c = &sp->cons[i];
        int w = snprintf(buf + n, cap - n, "%s%s %s %s", i ? ", " : "", sp->dim[c->a].path, c->op, sp->dim[c->b].path);
        if (w < 0) break;
        n += (size_t)w;
    }
    return buf;
}

static int random_point(const pr_opt_space *sp, pr_rng *r, double *x, pr_err *err) {
    for (int t = 0; t < MAX_DRAWS; t++) {
        for (size_t d = 0; d < sp->n; d++) x[d] = uniform_value(&sp->dim[d], r);
        if (pr_opt_feasible(sp, x)) return PR_OK;
    }
    char buf[512];
    return pr_err_set(err, PR_EINVAL, "no point of %d random draws meets the constraints (%s)", MAX_DRAWS,
                      constraint_text(sp, buf, sizeof buf));
}

/* Grid point number g (the last dimension varies fastest) into x. */
static void grid_at(const pr_opt_space *sp, size_t g, double *x) {
    for (size_t d = sp->n; d-- > 0;) {
        size_t lv = pr_opt_dim_levels(&sp->dim[d]);
        x[d] = pr_opt_dim_level(&sp->dim[d], g % lv);
        g /= lv;
    }
}

/* The k-th feasible grid point. */
static int grid_point(const pr_opt_space *sp, size_t k, double *x, pr_err *err) {
    size_t total, seen = 0;
    int rc = pr_opt_grid_size(sp, &total, err);
    if (rc != PR_OK) return rc;
    if (!sp->n_cons && k < total) {
        grid_at(sp, k, x);
        return PR_OK;
    }
    for (size_t g = 0; g < total && sp->n_cons; g++) {
        grid_at(sp, g, x);
        if (pr_opt_feasible(sp, x) && seen++ == k) return PR_OK;
    }
    if (!sp->n_cons) seen = total;
    return pr_err_set(err, PR_ENOTFOUND, "the grid has %zu feasible points, trial %zu is past them", seen, k);
}

/* ---- TPE ---------------------------------------------------------------- */
/* A Parzen density over one numeric dimension's internal range. */
typedef struct parzen {
    size_t n;                /* components (points + the prior)               */
    double *mu, *sigma;
    double lo, hi;
} parzen;

static double norm_cdf(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Components at the points v[0..n) and the prior at the middle with the
 * whole range as width; each point's width is the larger gap to its sorted
 * neighbours (the range's ends for the outer ones), clipped to
 * [range / min(100, n + 1), range]. */
static int parzen_fit(parzen *pz, const double *v, size_t n, double lo, double hi) {
    pz->n = n + 1;
    pz->lo = lo;
    pz->hi = hi;
    pz->mu = malloc(pz->n * sizeof(double));
    pz->sigma = malloc(pz->n * sizeof(double));
    if (!pz->mu || !pz->sigma) return PR_ENOMEM;
    memcpy(pz->mu, v, n * sizeof(double));
    pz->mu[n] = 0.5 * (lo + hi);
    qsort(pz->mu, pz->n, sizeof(double), cmp_double);
    double range = hi - lo > 0 ? hi - lo : 1;
    double minw = range / (double)(pz->n < 100 ? pz->n : 100);
    size_t prior = (size_t)-1;
    for (size_t i = 0; i < pz->n; i++) {
        double left = pz->mu[i] - (i ? pz->mu[i - 1] : lo), right = (i + 1 < pz->n ? pz->mu[i + 1] : hi) - pz->mu[i];
        double w = left > right ? left : right;
        pz->sigma[i] = w < minw ? minw : w > range ? range : w;
        if (prior == (size_t)-1 && pz->mu[i] == 0.5 * (lo + hi)) prior = i;
    }
    if (prior != (size_t)-1) pz->sigma[prior] = range;
    return PR_OK;
}

static void parzen_free(parzen *pz) {
    free(pz->mu);
    free(pz->sigma);
}

static double parzen_logpdf(const parzen *pz, double x) {
    double s = 0;
    for (size_t i = 0; i < pz->n; i++) {
        double sg = pz->sigma[i], z = (x - pz->mu[i]) / sg;
        double mass = norm_cdf((pz->hi - pz->mu[i]) / sg) - norm_cdf((pz->lo - pz->mu[i]) / sg);
        if (mass < 1e-300) mass = 1e-300;
        s += exp(-0.5 * z * z) / (sg * sqrt(2 * M_PI) * mass);
    }
    s /= (double)pz->n;
    return log(s > 1e-300 ? s : 1e-300);
}

static double parzen_draw(const parzen *pz, pr_rng *r) {
    size_t i = (size_t)(pr_rng_uniform(r) * (double)pz->n);
    if (i >= pz->n) i = pz->n - 1;
    for (int t = 0; t < 100; t++) {
        double x = pz->mu[i] + pz->sigma[i] * pr_rng_normal(r);
        if (x >= pz->lo && x <= pz->hi) return x;
    }
    return pz->mu[i] < pz->lo ? pz->lo : pz->mu[i] > pz->hi ? pz->hi : pz->mu[i];
}

typedef struct tpe_dim {
    parzen good, bad;
    double *pg, *pb;         /* CHOICE: probabilities                          */
} tpe_dim;

/* Trial indices by score, best first (ties: the earlier trial): the pairs
 * carry what qsort compares, so it needs no context. */
typedef struct ranked {
    double score;
    size_t idx;
} ranked;

static int cmp_ranked(const void *a, const void *b) {
    const ranked *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int sort_by_score(const pr_opt_done *done, size_t n, size_t *idx) {
    ranked *r = malloc((n ? n : 1) * sizeof *r);
    if (!r) return PR_ENOMEM;
    for (size_t i = 0; i < n; i++) r[i] = (ranked){done[i].score, i};
    qsort(r, n, sizeof *r, cmp_ranked);
    for (size_t i = 0; i < n; i++) idx[i] = r[i].idx;
    free(r);
    return PR_OK;
}

static int tpe_point(const pr_sampler_config *sc, const pr_opt_space *sp, const pr_opt_done *done, size_t n,
                     pr_rng *r, double *x, pr_err *err) {
    size_t *idx = malloc(n * sizeof *idx);
    double *vals = malloc(n * sizeof *vals);
    tpe_dim *td = calloc(sp->n, sizeof *td);
    double *cand = malloc(sp->n * sizeof *cand);
    int rc = PR_OK;
    if (!idx || !vals || !td || !cand) { rc = pr_err_set(err, PR_ENOMEM, "tpe: out of memory"); goto done_; }
    if (sort_by_score(done, n, idx) != PR_OK) {
        rc = pr_err_set(err, PR_ENOMEM, "tpe: out of memory");
        goto done_;
    }
    size_t n_good = (n + 9) / 10;
    if (n_good > 25) n_good = 25;
    if (n_good < 1) n_good = 1;
    for (size_t d = 0; d < sp->n; d++) {
        const pr_opt_dim *dm = &sp->dim[d];
        if (dm->kind == PR_OPT_CHOICE) {
            size_t m = (size_t)dm->n_choices;
            td[d].pg = calloc(m, sizeof(double));
            td[d].pb = calloc(m, sizeof(double));
            if (!td[d].pg || !td[d].pb) { rc = pr_err_set(err, PR_ENOMEM, "tpe: out of memory"); goto done_; }
            for (size_t c = 0; c < m; c++) td[d].pg[c] = td[d].pb[c] = 1;   /* the prior: one each */
            for (size_t i = 0; i < n; i++) {
                size_t c = (size_t)done[idx[i]].x[d];
                if (c < m) (i < n_good ? td[d].pg : td[d].pb)[c] += 1;
            }
            double sg = 0, sb = 0;
            for (size_t c = 0; c < m; c++) sg += td[d].pg[c], sb += td[d].pb[c];
            for (size_t c = 0; c < m; c++) td[d].pg[c] /= sg, td[d].pb[c] /= sb;
            continue;
        }
        double lo, hi;
        range_of(dm, &lo, &hi);
        for (size_t i = 0; i < n; i++) vals[i] = to_internal(dm, done[idx[i]].x[d]);
        if (parzen_fit(&td[d].good, vals, n_good, lo, hi) || parzen_fit(&td[d].bad, vals + n_good, n - n_good, lo, hi)) {
            rc = pr_err_set(err, PR_ENOMEM, "tpe: out of memory");
            goto done_;
        }
    }
    size_t want = sc->candidates ? sc->candidates : 24, got = 0;
    double best = -INFINITY;
    for (size_t t = 0; t < MAX_DRAWS && got < want; t++) {
        double ratio = 0;
        for (size_t d = 0; d < sp->n; d++) {
            const pr_opt_dim *dm = &sp->dim[d];
            if (dm->kind == PR_OPT_CHOICE) {
                double u = pr_rng_uniform(r), acc = 0;
                size_t c = 0, m = (size_t)dm->n_choices;
                for (; c + 1 < m; c++) {
                    acc += td[d].pg[c];
                    if (u < acc) break;
                }
                cand[d] = (double)c;
                ratio += log(td[d].pg[c]) - log(td[d].pb[c]);
            } else {
                cand[d] = from_internal(dm, parzen_draw(&td[d].good, r));
                double u = to_internal(dm, cand[d]);
                ratio += parzen_logpdf(&td[d].good, u) - parzen_logpdf(&td[d].bad, u);
            }
        }
        if (!pr_opt_feasible(sp, cand)) continue;
        if (!got++ || ratio > best) {
            best = ratio;
            memcpy(x, cand, sp->n * sizeof *x);
        }
    }
    if (!got) rc = random_point(sp, r, x, err);
done_:
    for (size_t d = 0; td && d < sp->n; d++) {
        parzen_free(&td[d].good);
        parzen_free(&td[d].bad);
        free(td[d].pg);
        free(td[d].pb);
    }
    free(td);
    free(idx);
    free(vals);
    free(cand);
    return rc;
}

int pr_sampler_point(const pr_sampler_config *sc, const pr_opt_space *sp, size_t k, const pr_opt_done *done,
                     size_t n_done, double *x, pr_err *err) {
    if (!sc || !sp || !x || sp->n == 0) return pr_err_set(err, PR_EINVAL, "sampler: an empty space");
    if (sc->kind == PR_SAMPLER_GRID) return grid_point(sp, k, x, err);
    pr_rng r;
    trial_rng(&r, sc->seed, k);
    if (sc->kind == PR_SAMPLER_RANDOM) return random_point(sp, &r, x, err);
    size_t batch = sc->batch ? sc->batch : 16, startup = sc->startup ? sc->startup : 10;
    size_t seen = (k / batch) * batch;
    if (seen > n_done) seen = n_done;
    if (seen < startup) return random_point(sp, &r, x, err);
    return tpe_point(sc, sp, done, seen, &r, x, err);
}
