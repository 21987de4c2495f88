/* `proratio stop`: asks a running paper session to stop gracefully, as
 * Ctrl-C does: it finishes its current step, cancels nothing, writes its
 * summary and logs and exits 0. The request is stored (paper_run.stop_at,
 * which the session polls with its heartbeat, so this works across hosts
 * with PostgreSQL); on this host the session's process also gets SIGTERM,
 * but only once its pid and its start time both match the session's
 * record, so a pid the system reused for another process is never
 * signalled. Then it waits for the session to record its end. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "paper_run.h"

static const char k_usage[] =
    "usage: proratio stop [--db URL] [--session NAME] [--wait SECONDS]\n"
    "Stops a paper session running against the store at URL gracefully: it finishes\n"
    "the step under way, cancels nothing, prints its session summary, writes its\n"
    "logs and exits 0 (as Ctrl-C does). Without --session: the one session that is\n"
    "running (an error when there are several). Waits up to --wait seconds (default\n"
    "30) for the session to end and says how it ended. Exit code 0 when it ended,\n"
    "1 when it did not within the wait or was not running, 4 when there is no such\n"
    "session.";

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The one running session when none was named. */
static int pick(pr_store *st, const char *db, char *out, size_t cap) {
    char **names = NULL;
    size_t n = 0, running = 0;
    pr_err e;
    pr_err_clear(&e);
    if (pr_store_run_list(st, &names, &n, &e) != PR_OK) return pr_cli_fail(&e);
    int64_t now = pr_time_now_ms();
    for (size_t i = 0; i < n; i++) {
        pr_paper_run row;
        int same = 0;
        if (pr_store_run_get(st, names[i], &row, &e) != PR_OK) continue;
        if (paper_run_liveness(&row, now, &same) == PAPER_RUNNING) {
            if (running++ == 0) pr_strlcpy(out, names[i], cap);
        }
        pr_store_run_free(&row);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    if (running == 1) return PR_EXIT_OK;
    if (running == 0) fprintf(stderr, "proratio stop: no session is running against %s\n", db);
    else fprintf(stderr, "proratio stop: %zu sessions are running against %s: name one with --session "
                         "('proratio status --db %s' lists them)\n", running, db, db);
    return running == 0 ? PR_EXIT_FAIL : PR_EXIT_USAGE;
}

int pr_cli_stop(int argc, char **argv) {
    const char *db = NULL, *session = NULL, *wait_s = NULL;
    for (int i = 1; i < argc; i++) {
        if (pr_cli_is_help(argv[i])) {
            puts(k_usage);
            return PR_EXIT_OK;
        }
        int r = pr_cli_opt(argc, argv, &i, "--db", &db);
        if (r < 0) return pr_cli_usage_error("stop", "--db needs a URL");
        if (r > 0) continue;
        r = pr_cli_opt(argc, argv, &i, "--session", &session);
        if (r < 0) return pr_cli_usage_error("stop", "--session needs a NAME");
        if (r > 0) continue;
        r = pr_cli_opt(argc, argv, &i, "--wait", &wait_s);
        if (r < 0) return pr_cli_usage_error("stop", "--wait needs SECONDS");
        if (r > 0) continue;
        return pr_cli_usage_error("stop", "unknown argument '%s'", argv[i]);
    }
    int64_t wait = 30;
    if (wait_s && pr_cli_parse_int(wait_s, 0, 86400, &wait) != 0)
        return pr_cli_usage_error("stop", "--wait: expected whole seconds in 0..86400, got '%s'", wait_s);
    if (!db) db = PR_CLI_DEFAULT_DB;
    pr_store *st = NULL;
    int rc = paper_open_runs("stop", db, 0, &st);
    if (rc != PR_EXIT_OK) return rc;
    char name[PR_PAPER_SESSION_MAX];
    if (session) pr_strlcpy(name, session, sizeof name);
    else if ((rc = pick(st, db, name, sizeof name)) != PR_EXIT_OK) {
        pr_store_close(st);
        return rc;
    }
    pr_paper_run row;
    pr_err e;
    pr_err_clear(&e);
    if ((rc = pr_store_run_get(st, name, &row, &e)) != PR_OK) {
        pr_store_close(st);
        if (rc != PR_ENOTFOUND) return pr_cli_fail(&e);
        fprintf(stderr, "proratio stop: no session '");
        pr_cli_print_safe(stderr, name);
        fprintf(stderr, "' in %s ('proratio status --db %s' lists the sessions there)\n", db, db);
        return PR_EXIT_NOTFOUND;
    }
    int same = 0;
    paper_liveness lv = paper_run_liveness(&row, pr_time_now_ms(), &same);
    if (lv == PAPER_ENDED || lv == PAPER_GONE) {
        fprintf(stderr, "proratio stop: session '");
        pr_cli_print_safe(stderr, name);
        if (lv == PAPER_ENDED) fprintf(stderr, "' is not running (%s); nothing to stop\n", row.outcome);
        else fprintf(stderr, "' is not running: its process (pid %lld) is gone without ending it; nothing to stop\n",
                     row.pid);
        pr_store_run_free(&row);
        pr_store_close(st);
        return PR_EXIT_FAIL;
    }
    if ((rc = pr_store_run_stop(st, name, pr_time_now_ms(), &e)) != PR_OK) {
        pr_store_run_free(&row);
        pr_store_close(st);
        return pr_cli_fail(&e);
    }
    /* Checked just now: this pid is the session's process (same start time). */
    int signalled = same && lv == PAPER_RUNNING && kill((pid_t)row.pid, SIGTERM) == 0;
    printf("stop         asked session '");
    pr_cli_print_safe(stdout, name);
    printf("' to stop%s; waiting up to %lld s for it to end\n",
           signalled ? " (SIGTERM sent to its process too)" : " (it sees the request with its next heartbeat)",
           (long long)wait);
    fflush(stdout);
    pr_store_run_free(&row);
    int64_t until = pr_time_now_ms() + wait * 1000;
    rc = PR_EXIT_FAIL;
    for (;;) {
        if (pr_store_run_get(st, name, &row, &e) != PR_OK) {
            rc = pr_cli_fail(&e);
            break;
        }
        lv = paper_run_liveness(&row, pr_time_now_ms(), &same);
        if (lv == PAPER_ENDED) {
            char t[PR_TIME_STR_MAX];
            pr_time_format(row.ended_at, t, sizeof t);
            printf("stopped      %s at %s UTC\n", row.outcome, t);
            rc = PR_EXIT_OK;
        } else if (lv == PAPER_GONE) {
            fprintf(stderr, "proratio stop: the session's process (pid %lld) ended without recording its end\n",
                    row.pid);
        } else if (pr_time_now_ms() >= until) {
            fprintf(stderr, "proratio stop: asked, but the session has not ended within %lld s (it stops at the "
                            "end of its current step; 'proratio status' shows it)\n", (long long)wait);
        } else {
            pr_store_run_free(&row);
            sleep_ms(200);
            continue;
        }
        pr_store_run_free(&row);
        break;
    }
    pr_store_close(st);
    return rc;
}
