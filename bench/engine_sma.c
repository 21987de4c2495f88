/* Benchmark of the backtest engine: sma_cross(10, 30) over 1,000,000 hourly
 * bars of one instrument, made as the peer reference describes (the real
 * BTCUSDT 1h rows of tests/data/reference repeated verbatim on a regular
 * hourly clock), commission 0.1% per side, all-cash sizing, data in memory.
 * Prints, as bars/s of wall and CPU time with the median and minimum time:
 *   - standalone runs in fresh processes: each of `procs` new processes of
 *     this program builds the bars and times one pr_backtest_run, as a
 *     one-off backtest pays it (fresh pages, first touch of the input);
 *     with PR_BENCH_ENGINE_BASE set to another build of this program, its fresh
 *     processes are interleaved with ours, process by process;
 *   - runs in one pr_backtest context (as an optimiser runs them);
 *   - repeated standalone runs in one process (fresh buffers each run);
 * with page faults and peak RSS, and the trade count and final equity,
 * which the peers give as 20,095 and 2.6077453550.
 * Usage: bench_engine_sma [bars] [runs] [procs]  (1000000 5 20); with
 * `--one [bars]` a child's part: one run, its figures on one line.
 * Always exits 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "proratio/data.h"
#include "proratio/engine.h"

static double clock_s(clockid_t id) {
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median (upper of the middle two) and minimum of v[0..n), sorting v. */
static void med_min(double *v, size_t n, double *med, double *min) {
    qsort(v, n, sizeof *v, cmp_double);
    *med = v[n / 2];
    *min = v[0];
}

/* The real sample through the data module's importer (format detected). */
static int read_csv(const char *path, pr_series *out) {
    pr_err e;
    if (pr_series_init(out, 0) != 0) return -1;
    return pr_import_csv_series(path, NULL, out, NULL, &e) == 0 ? 0 : -1;
}

typedef struct bench {
    pr_series real, big;
    pr_strategy *st;
    pr_pipeline *p;
    pr_bt_market mk;
    pr_backtest_config bc;
} bench;

static int bench_setup(bench *b, size_t nbars) {
    memset(b, 0, sizeof *b);
    const char *root = getenv("PR_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/reference/BTCUSDT-1h.csv", root ? root : ".");
    if (read_csv(path, &b->real) != 0 || b->real.len == 0) {
        printf("engine_sma: cannot read %s (set PR_SOURCE_DIR to the repository)\n", path);
        return -1;
    }
    if (pr_series_init(&b->big, nbars) != 0) { printf("engine_sma: out of memory\n"); return -1; }
    b->big.tf = PR_TF_1H;
    for (size_t i = 0; i < nbars; i++) {
        size_t k = i % b->real.len;
        pr_series_push(&b->big, b->real.ts[0] + (int64_t)i * PR_MS_PER_HOUR, b->real.open[k], b->real.high[k],
                       b->real.low[k], b->real.close[k], b->real.volume[k]);
    }
    pr_err err;
    pr_err_clear(&err);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_ALL_CASH;
    if (pr_strategy_create("sma_cross", NULL, NULL, &b->st, &err) != 0 || pr_pipeline_new(&pc, b->st, &b->p, &err) != 0) {
        printf("engine_sma: %s\n", err.msg);
        return -1;
    }
    /* Checked once, as the CLI does when it loads a dataset (pr_bt_market.checked). */
    b->mk = (pr_bt_market){.bars = &b->big, .checked = pr_series_check(&b->big, 0)};
    pr_market_spec_default("BTCUSDT", PR_ASSET_CRYPTO, &b->mk.spec, NULL);
    memset(&b->mk.spec.costs, 0, sizeof b->mk.spec.costs);
    b->mk.spec.costs.taker_fee = 0.001;   /* the peers' rules: commission only */
    b->mk.spec.costs.maker_fee = 0.001;
    b->mk.spec.inst.lot_step = 0;
    b->mk.spec.inst.min_qty = 0;
    b->mk.spec.inst.min_notional = 0;
    b->bc = (pr_backtest_config){.start_cash = 10000.0, .n_markets = 1, .markets = &b->mk};
    return 0;
}

static void bench_free(bench *b) {
    pr_pipeline_free(b->p);
    pr_strategy_free(b->st);
    pr_series_free(&b->big);
    pr_series_free(&b->real);
}

/* A fresh process's part: one standalone run, as a one-off backtest runs. */
static int one_run(size_t nbars) {
    bench b;
    if (bench_setup(&b, nbars) != 0) return 1;
    pr_err err;
    pr_backtest_result res;
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    int rc = pr_backtest_run(&b.bc, b.p, &res, &err);
    double dt = clock_s(CLOCK_MONOTONIC) - t0, dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    getrusage(RUSAGE_SELF, &ru1);
    if (rc != 0) {
        printf("engine_sma: backtest failed: %s\n", err.msg);
        return 1;
    }
    printf("one %.9f %.9f %ld %zu %.10f\n", dt, dc, ru1.ru_minflt - ru0.ru_minflt, res.n_trades, res.final_equity);
    pr_backtest_result_free(&res);
    bench_free(&b);
    return 0;
}

/* Runs `prog --one bars` and reads its line; 0 when it gave one. */
static int spawn_one(const char *prog, size_t nbars, double *wall, double *cpu, long *flt, size_t *trades,
                     double *eq) {
    int fd[2];
    if (pipe(fd) != 0) return -1;
    char arg[32];
    snprintf(arg, sizeof arg, "%zu", nbars);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        if (dup2(fd[1], STDOUT_FILENO) < 0) _exit(127);
        close(fd[1]);
        execl(prog, prog, "--one", arg, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    if (pid < 0) {
        close(fd[0]);
        return -1;
    }
    char line[512] = {0};
    FILE *f = fdopen(fd[0], "r");
    int ok = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "one %lf %lf %ld %zu %lf", wall, cpu, flt, trades, eq) == 5) ok = 1;
    if (f) fclose(f);
    else close(fd[0]);
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) ok = 0;
    return ok ? 0 : -1;
}

typedef struct fresh {
    const char *label, *prog;
    double *wall, *cpu;
    long max_flt;
    int n, failed;
    size_t trades;
    double eq;
} fresh;

static void fresh_report(const fresh *f, size_t nbars) {
    if (f->failed || f->n == 0) {
        printf("engine_sma: %s: fresh processes failed (%s --one %zu)\n", f->label, f->prog, nbars);
        return;
    }
    double wm, wmin, cm, cmin;
    med_min(f->wall, (size_t)f->n, &wm, &wmin);
    med_min(f->cpu, (size_t)f->n, &cm, &cmin);
    printf("engine_sma: %s: standalone run in a fresh process, %d processes: median %.4f s, %.2f M bars/s "
           "(min %.4f s, %.2f M bars/s); CPU median %.4f s, %.2f M bars/s (min %.4f s, %.2f M bars/s); "
           "up to %ld page faults; %zu trades, final equity %.10f\n",
           f->label, f->n, wm, (double)nbars / wm / 1e6, wmin, (double)nbars / wmin / 1e6, cm,
           (double)nbars / cm / 1e6, cmin, (double)nbars / cmin / 1e6, f->max_flt, f->trades, f->eq);
}

/* Fresh processes of this program (and of $PR_BENCH_ENGINE_BASE), interleaved. */
static void fresh_processes(size_t nbars, int procs) {
    char self[4096];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    if (k <= 0) {
        printf("engine_sma: cannot find this program for the fresh-process runs\n");
        return;
    }
    self[k] = 0;
    const char *base = getenv("PR_BENCH_ENGINE_BASE");
    fresh fr[2] = {{.label = "this build", .prog = self}, {.label = "PR_BENCH_ENGINE_BASE", .prog = base}};
    int nf = base && *base ? 2 : 1;
    for (int j = 0; j < nf; j++) {
        fr[j].wall = calloc((size_t)procs, sizeof(double));
        fr[j].cpu = calloc((size_t)procs, sizeof(double));
        if (!fr[j].wall || !fr[j].cpu) fr[j].failed = 1;
    }
    for (int r = 0; r < procs; r++)
        for (int j = 0; j < nf; j++) {
            fresh *f = &fr[(j + r) % nf];   /* alternate which goes first */
            if (f->failed) continue;
            long flt = 0;
            if (spawn_one(f->prog, nbars, &f->wall[f->n], &f->cpu[f->n], &flt, &f->trades, &f->eq) != 0) {
                f->failed = 1;
                continue;
            }
            if (flt > f->max_flt) f->max_flt = flt;
            f->n++;
        }
    for (int j = 0; j < nf; j++) {
        fresh_report(&fr[j], nbars);
        free(fr[j].wall);
        free(fr[j].cpu);
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--one") == 0)
        return one_run(argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 1000000);
    size_t nbars = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    int procs = argc > 3 ? atoi(argv[3]) : 20;
    if (nbars < 100) nbars = 100;
    if (runs < 1) runs = 1;
    printf("engine_sma: sma_cross(10,30) over %zu bars\n", nbars);
    if (procs > 0) fresh_processes(nbars, procs);

    bench b;
    if (bench_setup(&b, nbars) != 0) return 0;
    pr_err err;
    pr_err_clear(&err);

    /* One run without a context first, as a single backtest runs: its
     * page faults and the peak RSS after it (input + one run) are what a
     * user of pr_backtest_run pays. */
    pr_backtest_result res1;
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    double t1 = clock_s(CLOCK_MONOTONIC), c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (pr_backtest_run(&b.bc, b.p, &res1, &err) != 0) {
        printf("engine_sma: backtest failed: %s\n", err.msg);
        return 0;
    }
    double single = clock_s(CLOCK_MONOTONIC) - t1, single_cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c1;
    getrusage(RUSAGE_SELF, &ru1);
    long single_flt = ru1.ru_minflt - ru0.ru_minflt;
    double single_rss = (double)ru1.ru_maxrss / 1024.0, input_rss = (double)ru0.ru_maxrss / 1024.0;
    size_t trades = res1.n_trades;
    double final_eq = res1.final_equity;
    pr_backtest_result_free(&res1);

    double *wall = calloc((size_t)runs, sizeof *wall), *cpu = calloc((size_t)runs, sizeof *cpu);
    if (!wall || !cpu) return 0;
    /* A run context, as an optimiser would use: runs after the first reuse
     * its buffers (the first is left out of the figures). */
    pr_backtest *ctx = NULL;
    if (pr_backtest_new(&ctx, &err) != 0) {
        printf("engine_sma: %s\n", err.msg);
        return 0;
    }
    double first = 0;
    long ctx_flt = -1;
    int nc = 0;
    for (int r = 0; r <= runs; r++) {
        pr_backtest_result res;
        getrusage(RUSAGE_SELF, &ru0);
        double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        int rc = pr_backtest_exec(ctx, &b.bc, b.p, &res, &err);
        double dt = clock_s(CLOCK_MONOTONIC) - t0, dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        getrusage(RUSAGE_SELF, &ru1);
        if (rc != 0) {
            printf("engine_sma: backtest failed: %s\n", err.msg);
            return 0;
        }
        if (r == 0) {
            first = dt;
        } else {
            if (ctx_flt < 0 || ru1.ru_minflt - ru0.ru_minflt < ctx_flt) ctx_flt = ru1.ru_minflt - ru0.ru_minflt;
            wall[nc] = dt;
            cpu[nc++] = dc;
        }
        if (res.n_trades != trades || res.final_equity != final_eq)
            printf("engine_sma: a run with a context differs (%zu trades, %.10f)\n", res.n_trades, res.final_equity);
        pr_backtest_result_free(&res);
    }
    pr_backtest_free(ctx);   /* its blocks are not the runs' below */
    double cw, cwmin, cc, ccmin;
    med_min(wall, (size_t)nc, &cw, &cwmin);
    med_min(cpu, (size_t)nc, &cc, &ccmin);
    /* The same without a context: every run allocates afresh. */
    long plain_flt = -1;
    int np = 0;
    for (int r = 0; r < runs; r++) {
        pr_backtest_result res;
        getrusage(RUSAGE_SELF, &ru0);
        double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        int rc = pr_backtest_run(&b.bc, b.p, &res, &err);
        double dt = clock_s(CLOCK_MONOTONIC) - t0, dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        getrusage(RUSAGE_SELF, &ru1);
        if (rc != 0) continue;
        wall[np] = dt;
        cpu[np++] = dc;
        if (plain_flt < 0 || ru1.ru_minflt - ru0.ru_minflt < plain_flt) plain_flt = ru1.ru_minflt - ru0.ru_minflt;
        if (res.n_trades != trades || res.final_equity != final_eq)
            printf("engine_sma: a run without context differs (%zu trades, %.10f)\n", res.n_trades, res.final_equity);
        pr_backtest_result_free(&res);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("engine_sma: first run in this process: %.4f s, %.2f M bars/s; CPU %.4f s, %.2f M bars/s; "
           "%ld page faults; peak RSS %.1f MiB (input alone %.1f MiB)\n",
           single, (double)nbars / single / 1e6, single_cpu, (double)nbars / single_cpu / 1e6, single_flt, single_rss,
           input_rss);
    printf("engine_sma: run context, %d reused runs: median %.4f s, %.2f M bars/s (min %.4f s, %.2f M bars/s; "
           "first run %.4f s); CPU median %.2f M bars/s (min %.4f s, %.2f M bars/s); %ld page faults per reused run\n",
           nc, cw, (double)nbars / cw / 1e6, cwmin, (double)nbars / cwmin / 1e6, first, (double)nbars / cc / 1e6,
           ccmin, (double)nbars / ccmin / 1e6, ctx_flt);
    if (np > 0) {
        double pw, pwmin, pc, pcmin;
        med_min(wall, (size_t)np, &pw, &pwmin);
        med_min(cpu, (size_t)np, &pc, &pcmin);
        printf("engine_sma: without a run context (fresh buffers each run), %d runs after the first: median %.4f s, "
               "%.2f M bars/s (min %.4f s, %.2f M bars/s); CPU median %.2f M bars/s (min %.4f s, %.2f M bars/s); "
               "%ld page faults per run\n",
               np, pw, (double)nbars / pw / 1e6, pwmin, (double)nbars / pwmin / 1e6, (double)nbars / pc / 1e6, pcmin,
               (double)nbars / pcmin / 1e6, plain_flt);
    }
    printf("engine_sma: peak RSS %.1f MiB (whole process)\n", (double)ru.ru_maxrss / 1024.0);
    if (nbars == 1000000)
        printf("engine_sma: trades %zu (peers: 20095), final equity %.10f (peers: 2.6077453550)\n", trades, final_eq);
    else if (nbars == b.real.len)
        printf("engine_sma: trades %zu (peers: 588), final equity %.10f (peers: 7872.1046030923)\n", trades, final_eq);
    else
        printf("engine_sma: trades %zu, final equity %.10f\n", trades, final_eq);
    free(wall);
    free(cpu);
    bench_free(&b);
    return 0;
}
