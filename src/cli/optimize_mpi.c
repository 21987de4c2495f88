/* `mpirun -n K proratio optimize ...`: the trials of each batch spread over
 * the ranks (OpenMPI) with dynamic load balancing. Every rank runs the same
 * command; rank 0 hands out trial numbers one at a time to whichever rank
 * asks next, runs trials itself between answers, and after each batch sends
 * the batch's results to every rank, so all ranks hold the same trials and
 * the next batch's points (which depend on them) are the same everywhere.
 * Rank 0 alone prints, writes files and talks to the store. A trial's
 * result depends only on its number and the trials before its batch, so the
 * results are those of a serial run, trial for trial. Built without MPI
 * (PR_HAVE_MPI unset), or started without mpirun, this is one rank. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimize.h"

/* Started by mpirun (OpenMPI's, or a PMI launcher's variables are set). */
static int under_mpirun(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

#ifdef PR_HAVE_MPI
#include <mpi.h>

enum { TAG_ASSIGN = 1, TAG_RESULT = 2 };

/* A result message: the trial, then its daily returns (rows of them). */
typedef struct result_head {
    long k;                  /* the trial; -1: a grid ended before it (past) */
    long past;
    int rc;
    opt_trial t;
} result_head;

int opt_mpi_init(opt_mpi *m, int *argc, char ***argv) {
    memset(m, 0, sizeof *m);
    m->size = 1;
    if (!under_mpirun()) return PR_OK;
    if (MPI_Init(argc, argv) != MPI_SUCCESS) return PR_EIO;
    m->on = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &m->size);
    return PR_OK;
}

void opt_mpi_finalize(opt_mpi *m) {
    if (m->on) MPI_Finalize();
    m->on = 0;
}

void opt_mpi_abort(const opt_mpi *m, int code) {
    if (m->on && m->size > 1) MPI_Abort(MPI_COMM_WORLD, code);
}

int opt_mpi_agree(const opt_mpi *m, int rc) {
    if (!m->on || m->size == 1) return rc;
    int worst = rc, out = rc;
    MPI_Allreduce(&worst, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return out;
}

/* Trial k on this rank into *h and daily[0..rows). */
static void run_one(const opt_mpi_batch *b, long k, result_head *h, double *daily, size_t rows, pr_err *err) {
    memset(h, 0, sizeof *h);
    h->k = k;
    h->past = -1;
    double x[PR_OPT_MAX_DIMS];
    int rc = pr_sampler_point(b->sc, &b->ctx->o->space, (size_t)k, b->done, b->known, x, err);
    if (rc == PR_ENOTFOUND) {
        h->past = k;
        return;
    }
    opt_keep keep = {0};
    if (daily && b->ret && (size_t)k < b->ret->cols)
        keep = (opt_keep){.daily = daily, .daily_stride = 1, .daily_cap = rows};
    if (rc == PR_OK) rc = opt_run_trial(b->w, x, b->win, &h->t, &keep, err);
    for (size_t i = keep.n_daily; daily && i < rows; i++) daily[i] = 0;
    h->rc = rc;
}

static void keep_result(const opt_mpi_batch *b, const result_head *h, const double *daily, size_t rows, long *past) {
    if (h->past >= 0) {
        if (h->past < *past) *past = h->past;
        return;
    }
    b->t[h->k] = h->t;
    if (b->ret && (size_t)h->k < b->ret->cols)
        for (size_t i = 0; i < rows; i++) b->ret->m[i * b->ret->cols + (size_t)h->k] = daily[i];
}

/* The next trial of the batch that is not stored; hi when none is left. */
static long next_trial(const opt_mpi_batch *b, long *next) {
    while (*next < (long)b->hi && b->t[*next].stored) (*next)++;
    return *next < (long)b->hi ? (*next)++ : (long)b->hi;
}

int opt_mpi_run_batch(const opt_mpi *m, const opt_mpi_batch *b, size_t *past_out, pr_err *err) {
    size_t rows = b->ret ? b->ret->rows : 0;
    size_t msg = sizeof(result_head) + rows * sizeof(double);
    char *buf = malloc(msg);
    if (!buf) return pr_err_set(err, PR_ENOMEM, "optimize: out of memory");
    result_head *h = (result_head *)(void *)buf;
    double *daily = rows ? (double *)(void *)(buf + sizeof(result_head)) : NULL;
    int rc = PR_OK;
    long past = (long)b->hi;
    if (m->rank == 0) {
        /* Each worker keeps a few trials in hand, so it never waits for rank 0
         * to finish a trial of its own before it gets the next one. */
        enum { IN_HAND = 6 };
        long next = (long)b->lo, out = 0;
        int *inflight = calloc((size_t)m->size, sizeof *inflight);
        if (!inflight) {
            MPI_Abort(MPI_COMM_WORLD, PR_ENOMEM);
            return PR_ENOMEM;
        }
        for (int r = 1; r < m->size; r++) {
            for (int j = 0; j < IN_HAND; j++) {
                long k = next_trial(b, &next);
                if (k >= (long)b->hi) break;
                MPI_Send(&k, 1, MPI_LONG, r, TAG_ASSIGN, MPI_COMM_WORLD);
                inflight[r]++;
                out++;
            }
            if (inflight[r] == 0) {
                long none = -1;
                MPI_Send(&none, 1, MPI_LONG, r, TAG_ASSIGN, MPI_COMM_WORLD);
            }
        }
        for (;;) {
            int flag = 0;
            MPI_Status s;
            if (out > 0) MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &s);
            if (!flag) {
                long mine = next_trial(b, &next);
                if (mine < (long)b->hi) {   /* rank 0 works too between answers */
                    run_one(b, mine, h, daily, rows, err);
                    if (h->rc != PR_OK && rc == PR_OK) rc = h->rc;
                    keep_result(b, h, daily, rows, &past);
                    continue;
                }
                if (out == 0) break;   /* nothing out, nothing left */
            }
            /* a worker's result: keep it, and give that worker the next trial,
             * or the end of the batch (-1) once it has none in hand */
            MPI_Recv(buf, (int)msg, MPI_BYTE, MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &s);
            int r = s.MPI_SOURCE;
            out--;
            inflight[r]--;
            if (h->rc != PR_OK && rc == PR_OK) rc = pr_err_set(err, h->rc, "optimize: rank %d: trial %ld failed", r, h->k);
            keep_result(b, h, daily, rows, &past);
            long k = next_trial(b, &next);
            if (k < (long)b->hi) {
                MPI_Send(&k, 1, MPI_LONG, r, TAG_ASSIGN, MPI_COMM_WORLD);
                inflight[r]++;
                out++;
            } else if (inflight[r] == 0) {
                long none = -1;
                MPI_Send(&none, 1, MPI_LONG, r, TAG_ASSIGN, MPI_COMM_WORLD);
            }
        }
        free(inflight);
    } else {
        for (;;) {
            long k = -1;
            MPI_Recv(&k, 1, MPI_LONG, 0, TAG_ASSIGN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (k < 0) break;
            pr_err e;
            pr_err_clear(&e);
            run_one(b, k, h, daily, rows, &e);
            /* the returns only for the trials that keep them: the rest stay
             * small enough to be sent without waiting for rank 0 to take them */
            int with = b->ret && (size_t)k < b->ret->cols;
            MPI_Send(buf, (int)(with ? msg : sizeof(result_head)), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        }
    }
    free(buf);
    /* Everyone gets the batch: its trials, their returns, where a grid ended. */
    MPI_Bcast(&past, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    size_t n = b->hi - b->lo;
    MPI_Bcast(b->t + b->lo, (int)(n * sizeof *b->t), MPI_BYTE, 0, MPI_COMM_WORLD);
    if (b->ret && b->lo < b->ret->cols) {
        size_t c1 = b->hi < b->ret->cols ? b->hi : b->ret->cols, w = c1 - b->lo;
        double *col = malloc(rows * w * sizeof *col + 1);
        if (!col) {
            MPI_Abort(MPI_COMM_WORLD, PR_ENOMEM);
            return PR_ENOMEM;
        }
        for (size_t i = 0; m->rank == 0 && i < rows; i++)
            memcpy(col + i * w, b->ret->m + i * b->ret->cols + b->lo, w * sizeof *col);
        MPI_Bcast(col, (int)(rows * w), MPI_DOUBLE, 0, MPI_COMM_WORLD);
        for (size_t i = 0; m->rank != 0 && i < rows; i++)
            memcpy(b->ret->m + i * b->ret->cols + b->lo, col + i * w, w * sizeof *col);
        free(col);
    }
    *past_out = (size_t)past;
    if (rc != PR_OK && m->rank != 0) pr_err_set(err, rc, "optimize: a trial failed on rank 0's side");
    return rc;
}

void opt_mpi_share(const opt_mpi *m, opt_trial *t, size_t n, opt_returns *ret) {
    if (!m->on || m->size == 1) return;
    MPI_Bcast(t, (int)(n * sizeof *t), MPI_BYTE, 0, MPI_COMM_WORLD);
    if (ret && ret->m) MPI_Bcast(ret->m, (int)(ret->rows * ret->cols), MPI_DOUBLE, 0, MPI_COMM_WORLD);
}

#else   /* without MPI: one rank */

int opt_mpi_init(opt_mpi *m, int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    memset(m, 0, sizeof *m);
    m->size = 1;
    /* K copies each running the whole search would write the same files */
    return under_mpirun() ? PR_EUNSUPPORTED : PR_OK;
}

void opt_mpi_finalize(opt_mpi *m) { (void)m; }

void opt_mpi_abort(const opt_mpi *m, int code) {
    (void)m;
    (void)code;
}

int opt_mpi_agree(const opt_mpi *m, int rc) {
    (void)m;
    return rc;
}

int opt_mpi_run_batch(const opt_mpi *m, const opt_mpi_batch *b, size_t *past, pr_err *err) {
    (void)m;
    (void)b;
    (void)past;
    return pr_err_set(err, PR_EUNSUPPORTED, "optimize: this proratio was built without OpenMPI");
}

void opt_mpi_share(const opt_mpi *m, opt_trial *t, size_t n, opt_returns *ret) {
    (void)m;
    (void)t;
    (void)n;
    (void)ret;
}
#endif
