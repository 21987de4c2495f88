/* Shared by the bench programs that time a `proratio` command as a whole
 * process (start-up, store open, output and exit included), as a user
 * sees it: runs argv repeatedly and prints the median and minimum wall
 * time. `before` (may be NULL) runs ahead of each run, untimed (e.g. to
 * remove the previous run's store). */
#ifndef PR_BENCH_WHOLE_PROCESS_H
#define PR_BENCH_WHOLE_PROCESS_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double pr_bench_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int pr_bench_cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The program to time: $PR_BIN, else build/proratio. */
static const char *pr_bench_program(void) {
    const char *bin = getenv("PR_BIN");
    return bin && *bin ? bin : "build/proratio";
}

/* Returns the median in seconds (negative when a run failed). */
static double pr_bench_process(const char *label, char *const argv[], int runs,
                               void (*before)(void *), void *ctx, double per_run_units,
                               const char *unit) {
    double *v = calloc((size_t)runs, sizeof *v);
    if (!v) return -1.0;
    int ok = 1;
    for (int r = 0; r < runs && ok; r++) {
        if (before) before(ctx);
        fflush(stdout); /* or the child's copy of the buffer is written again */
        double t = pr_bench_now();
        pid_t pid = fork();
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout)) _exit(127);
            execv(argv[0], argv);
            _exit(127);
        }
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            ok = 0;
        v[r] = pr_bench_now() - t;
    }
    double med = -1.0;
    if (ok) {
        qsort(v, (size_t)runs, sizeof *v, pr_bench_cmp_double);
        med = v[runs / 2];
        printf("  %-40s median %8.1f ms   min %8.1f ms   (%d runs)", label, med * 1e3, v[0] * 1e3,
               runs);
        if (per_run_units > 0)
            printf("   %.2f M %s/s median", per_run_units / med / 1e6, unit);
        putchar('\n');
    } else {
        printf("  %-40s FAILED (run it by hand: %s ...)\n", label, argv[0]);
    }
    free(v);
    return med;
}

#endif
