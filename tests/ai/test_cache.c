/* The cache / audit / budget layer over the store's llm_calls table (SQLite,
 * or PostgreSQL when PR_PG_URL is set, see tests/ai/cache_pg.sh): record,
 * replay and live modes, cached failures, budgets per run and per day, the
 * rows' contents, and that no row ever holds the API key. The network is
 * the in-process fake transport of ai_test.h. */
#include "ai_test.h"

#include "data/store_internal.h"
#include "proratio/data/store_llm.h"

#define KEY "sk-cache-test-SECRET-0a1b2c3d4e5f"
#define DAY0 1784073600000LL /* 2026-07-15T00:00:00Z */

static char g_dir[512];
static char g_url[1024];

static int setup(void **st) {
    (void)st;
    setenv("PR_TEST_CACHE_KEY", KEY, 1);
    const char *pg = getenv("PR_PG_URL");
    if (pg && *pg) pr_strlcpy(g_url, pg, sizeof g_url);
    else {
        pr_test_tmpdir(g_dir, sizeof g_dir);
        snprintf(g_url, sizeof g_url, "sqlite:%s/cache.db", g_dir);
    }
    return 0;
}

static int teardown(void **st) {
    (void)st;
    if (g_dir[0]) {
        char cmd[700];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
        if (system(cmd) != 0) return -1;
    }
    return 0;
}

/* A fresh store with an empty llm_calls table. */
static pr_store *open_store(void) {
    pr_store *st;
    pr_err e;
    if (pr_store_open(g_url, &st, &e)) fail_msg("open %s: %s", g_url, e.msg);
    if (pr_store_exec_sql(st, "DELETE FROM llm_calls", &e)) fail_msg("%s", e.msg);
    return st;
}

static pr_llm *provider(ai_env *env, const char *name, double price_in, double price_out) {
    pr_llm_config c;
    pr_llm_config_preset("openai", &c, NULL);
    pr_strlcpy(c.name, name, sizeof c.name);
    snprintf(c.base_url, sizeof c.base_url, "http://%s", name);
    pr_strlcpy(c.key_env, "PR_TEST_CACHE_KEY", sizeof c.key_env);
    c.price_in = price_in;
    c.price_out = price_out;
    c.max_retries = 0;
    c.rate_per_min = 0;
    c.breaker_failures = 0;
    pr_llm_hooks h = ai_env_hooks(env);
    pr_llm *l;
    pr_err e;
    if (pr_llm_new(&c, &h, &l, &e)) fail_msg("%s", e.msg);
    return l;
}

static void prompt(int n, pr_llm_prompt *p) {
    char user[64];
    snprintf(user, sizeof user, "question number %d", n);
    assert_int_equal(pr_llm_prompt_make(PR_LLM_Q_CONFIRM, "confirm.v1", "You answer in JSON.", user, p, NULL), 0);
}

static const char *k_approve = "{\"action\":\"APPROVE\",\"confidence\":0.8,\"reasons\":[\"trend\"]}";

static pr_llm_result ask(pr_llm_cache *c, pr_llm *l, int n, int want_rc) {
    pr_llm_prompt p;
    prompt(n, &p);
    pr_llm_result r;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_llm_cache_ask(c, l, &p, DAY0 + 3600000, &r, &e);
    if (rc != want_rc) fail_msg("ask %d: rc %d (%s) want %d: %s", n, rc, pr_llm_fail_name(r.fail), want_rc, e.msg);
    pr_llm_prompt_free(&p);
    return r;
}

static void env_init(ai_env *env, const char *route, const char *body) {
    memset(env, 0, sizeof *env);
    env->wall = DAY0 + 10 * PR_MS_PER_HOUR;
    env->key = KEY;
    env->n_routes = 1;
    env->route[0].prefix = route;
    env->route[0].n = 1;
    env->route[0].r[0] = (ai_resp){200, body, PR_LLM_OK};
}

static void test_record_replay(void **st_) {
    (void)st_;
    pr_store *st = open_store();
    char *ok = ai_openai_body(k_approve);
    ai_env env;
    env_init(&env, "http://p1", ok);
    pr_llm *l = provider(&env, "p1", 2, 5);
    pr_llm_cache *c;
    pr_err e;
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_RECORD, NULL, "run-1", &(pr_llm_hooks){.wall_ms = ai_env_wall, .ctx = &env},
                                      &c, &e), 0);
    pr_llm_result r1 = ask(c, l, 1, 0);
    assert_int_equal(r1.cached, 0);
    assert_int_equal(env.sends, 1);
    assert_true(env.key_seen);
    /* 1000 in, 200 out at $2 / $5 per million: 0.002 + 0.001 = 0.003 */
    assert_true(fabs(r1.cost - 0.003) < 1e-15);
    /* The same question again: from the cache, no request. */
    pr_llm_result r2 = ask(c, l, 1, 0);
    assert_int_equal(r2.cached, 1);
    assert_int_equal(env.sends, 1);
    assert_int_equal(r2.verdict.u.confirm.action, PR_LLM_APPROVE);
    assert_true(r2.verdict.u.confirm.confidence == r1.verdict.u.confirm.confidence);
    assert_memory_equal(&r1.verdict, &r2.verdict, sizeof r1.verdict);
    pr_llm_result_free(&r1);
    pr_llm_result_free(&r2);
    pr_llm_cache_stats cs;
    pr_llm_cache_get_stats(c, &cs);
    assert_int_equal(cs.asks, 2);
    assert_int_equal(cs.hits, 1);
    assert_int_equal(cs.calls, 1);
    pr_llm_cache_free(c);

    /* Replay: the cached question is answered, a new one is a miss; nothing is sent. */
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_REPLAY, NULL, "run-2", NULL, &c, &e), 0);
    r1 = ask(c, l, 1, 0);
    assert_int_equal(r1.cached, 1);
    assert_int_equal(r1.verdict.u.confirm.action, PR_LLM_APPROVE);
    pr_llm_result_free(&r1);
    r1 = ask(c, l, 2, PR_ENOTFOUND);
    assert_int_equal(r1.fail, PR_LLM_FAIL_CACHE_MISS);
    assert_non_null(strstr(r1.reason, "replay"));
    pr_llm_result_free(&r1);
    assert_int_equal(env.sends, 1);
    pr_llm_cache_get_stats(c, &cs);
    assert_int_equal(cs.misses, 1);
    pr_llm_cache_free(c);

    /* Replay and record need a store; live does not. */
    assert_int_equal(pr_llm_cache_new(NULL, PR_LLM_MODE_REPLAY, NULL, NULL, NULL, &c, &e), PR_EINVAL);
    assert_int_equal(pr_llm_cache_new(NULL, PR_LLM_MODE_LIVE, NULL, NULL, NULL, &c, &e), 0);
    pr_llm_cache_free(c);

    /* Live always calls, and stores the call. */
    pr_llm_hooks h = {.wall_ms = ai_env_wall, .ctx = &env};
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_LIVE, NULL, "run-3", &h, &c, &e), 0);
    r1 = ask(c, l, 1, 0);
    assert_int_equal(r1.cached, 0);
    assert_int_equal(env.sends, 2);
    pr_llm_result_free(&r1);
    pr_llm_cache_free(c);
    pr_llm_call_record *rows;
    size_t n;
    assert_int_equal(pr_store_llm_list(st, PR_TIME_NONE, PR_TIME_NONE, NULL, 0, &rows, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].run_id, "run-3"); /* newest first */
    assert_int_equal(rows[0].created_at, DAY0 + 10 * PR_MS_PER_HOUR);
    assert_string_equal(rows[1].run_id, "run-1");
    const pr_llm_call_record *r = &rows[1];
    assert_string_equal(r->provider, "p1");
    assert_string_equal(r->model, "gpt-4o-mini");
    assert_string_equal(r->question, "confirm");
    assert_string_equal(r->template_id, "confirm.v1");
    assert_int_equal(strlen(r->prompt_hash), 64);
    assert_string_equal(r->status, "ok");
    assert_string_equal(r->fail, "ok");
    assert_int_equal(r->http_status, 200);
    assert_int_equal(r->attempts, 1);
    assert_int_equal(r->tokens_in, 1000);
    assert_int_equal(r->tokens_out, 200);
    assert_true(fabs(r->cost - 0.003) < 1e-15);
    assert_int_equal(r->created_at, DAY0 + 10 * PR_MS_PER_HOUR);
    assert_int_equal(r->decision_ts, DAY0 + 3600000);
    assert_non_null(strstr(r->request, "question number 1"));
    assert_non_null(strstr(r->verdict, "\"APPROVE\""));
    assert_null(r->error);
    pr_llm_call_records_free(rows, n);
    int64_t calls;
    double cost;
    assert_int_equal(pr_store_llm_spend(st, DAY0, DAY0 + PR_MS_PER_DAY, &calls, &cost, &e), 0);
    assert_int_equal(calls, 2);
    assert_true(fabs(cost - 0.006) < 1e-15);
    assert_int_equal(pr_store_llm_spend(st, DAY0 + PR_MS_PER_DAY, PR_TIME_NONE, &calls, &cost, &e), 0);
    assert_int_equal(calls, 0);
    pr_llm_free(l);
    free(ok);
    pr_store_close(st);
}

static void test_failures_cached(void **st_) {
    (void)st_;
    pr_store *st = open_store();
    ai_env env;
    env_init(&env, "http://p2", "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
    env.route[0].r[0].status = 500;
    pr_llm *l = provider(&env, "p2", 0, 0);
    pr_llm_cache *c;
    pr_err e;
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_RECORD, NULL, "r", NULL, &c, &e), 0);
    pr_llm_result r = ask(c, l, 7, PR_EHTTP);
    assert_int_equal(r.fail, PR_LLM_FAIL_SERVER);
    pr_llm_result_free(&r);
    /* Record mode does not reuse a failure: it calls again. */
    char *ok = ai_openai_body(k_approve);
    env.route[0].r[0] = (ai_resp){200, ok, PR_LLM_OK};
    r = ask(c, l, 8, 0); /* a different question, answered */
    pr_llm_result_free(&r);
    assert_int_equal(env.sends, 2);
    pr_llm_cache_free(c);
    /* Replay serves the cached failure for question 7 (same outcome as recorded). */
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_REPLAY, NULL, "r", NULL, &c, &e), 0);
    r = ask(c, l, 7, PR_EHTTP);
    assert_int_equal(r.fail, PR_LLM_FAIL_SERVER);
    assert_int_equal(r.cached, 1);
    assert_non_null(strstr(r.reason, "cached failure"));
    pr_llm_result_free(&r);
    pr_llm_cache_free(c);
    /* Record mode retries question 7 now that the provider answers; replay then prefers the ok row. */
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_RECORD, NULL, "r", NULL, &c, &e), 0);
    r = ask(c, l, 7, 0);
    assert_int_equal(r.cached, 0);
    pr_llm_result_free(&r);
    pr_llm_cache_free(c);
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_REPLAY, NULL, "r", NULL, &c, &e), 0);
    r = ask(c, l, 7, 0);
    assert_int_equal(r.cached, 1);
    pr_llm_result_free(&r);
    pr_llm_cache_free(c);

    pr_llm_call_record row;
    pr_llm_prompt p;
    prompt(7, &p);
    assert_int_equal(pr_store_llm_find(st, "p2", "gpt-4o-mini", "confirm.v1", p.hash, 0, &row, &e), 0);
    assert_string_equal(row.status, "ok");
    pr_llm_call_record_free(&row);
    assert_int_equal(pr_store_llm_find(st, "p2", "other-model", "confirm.v1", p.hash, 0, &row, &e), PR_ENOTFOUND);
    pr_llm_prompt_free(&p);
    free(ok);
    pr_llm_free(l);
    pr_store_close(st);
}

static void test_budget(void **st_) {
    (void)st_;
    pr_store *st = open_store();
    char *ok = ai_openai_body(k_approve);
    ai_env env;
    env_init(&env, "http://p3", ok);
    /* each call: 1000 * 2/1e6 + 200 * 5/1e6 = 0.003 USD */
    pr_llm *l = provider(&env, "p3", 2, 5);
    pr_llm_hooks h = {.wall_ms = ai_env_wall, .ctx = &env};
    pr_llm_cache *c;
    pr_err e;
    /* 2 calls per run: the third is refused without a request. */
    pr_llm_budget b = {.max_calls_run = 2};
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_LIVE, &b, "b1", &h, &c, &e), 0);
    pr_llm_result r = ask(c, l, 1, 0);
    pr_llm_result_free(&r);
    r = ask(c, l, 2, 0);
    pr_llm_result_free(&r);
    r = ask(c, l, 3, PR_ELIMIT);
    assert_int_equal(r.fail, PR_LLM_FAIL_BUDGET);
    assert_non_null(strstr(r.reason, "2 calls this run (limit 2)"));
    pr_llm_result_free(&r);
    assert_int_equal(env.sends, 2);
    pr_llm_cache_stats cs;
    pr_llm_cache_get_stats(c, &cs);
    assert_int_equal(cs.budget_refusals, 1);
    pr_llm_cache_free(c);

    /* $0.005 per run: 0 < 0.005 call, 0.003 < 0.005 call, 0.006 >= 0.005 refused. */
    b = (pr_llm_budget){.max_cost_run = 0.005};
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_LIVE, &b, "b2", &h, &c, &e), 0);
    r = ask(c, l, 1, 0);
    pr_llm_result_free(&r);
    r = ask(c, l, 2, 0);
    pr_llm_result_free(&r);
    r = ask(c, l, 3, PR_ELIMIT);
    pr_llm_result_free(&r);
    assert_int_equal(env.sends, 4);
    pr_llm_cache_free(c);

    /* Per day, counted from the store: 4 calls today already. A limit of 5
     * allows one more; the next day starts from zero. */
    b = (pr_llm_budget){.max_calls_day = 5};
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_LIVE, &b, "b3", &h, &c, &e), 0);
    r = ask(c, l, 4, 0);
    pr_llm_result_free(&r);
    r = ask(c, l, 5, PR_ELIMIT);
    assert_non_null(strstr(r.reason, "5 calls today (limit 5)"));
    pr_llm_result_free(&r);
    env.mono += PR_MS_PER_DAY;
    r = ask(c, l, 5, 0);
    pr_llm_result_free(&r);
    pr_llm_cache_free(c);
    /* $0.015 per day: today (day 1) holds one call of 0.003. */
    b = (pr_llm_budget){.max_cost_day = 0.006};
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_LIVE, &b, "b4", &h, &c, &e), 0);
    r = ask(c, l, 6, 0); /* 0.003 < 0.006 */
    pr_llm_result_free(&r);
    r = ask(c, l, 7, PR_ELIMIT); /* 0.006 >= 0.006 */
    pr_llm_result_free(&r);
    pr_llm_cache_free(c);
    /* Cache hits are free even when the budget is spent. */
    b = (pr_llm_budget){.max_calls_run = 1};
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_RECORD, &b, "b5", &h, &c, &e), 0);
    for (int i = 0; i < 3; i++) {
        r = ask(c, l, 1, 0);
        assert_int_equal(r.cached, 1);
        pr_llm_result_free(&r);
    }
    pr_llm_cache_free(c);
    /* Without a store the day budget counts this run. */
    b = (pr_llm_budget){.max_calls_day = 1};
    assert_int_equal(pr_llm_cache_new(NULL, PR_LLM_MODE_LIVE, &b, "b6", &h, &c, &e), 0);
    r = ask(c, l, 1, 0);
    pr_llm_result_free(&r);
    r = ask(c, l, 2, PR_ELIMIT);
    pr_llm_result_free(&r);
    pr_llm_cache_free(c);
    free(ok);
    pr_llm_free(l);
    pr_store_close(st);
}

static void test_no_key_in_rows(void **st_) {
    (void)st_;
    pr_store *st = open_store();
    /* A provider that echoes the key in its error message. */
    ai_env env;
    env_init(&env, "http://p4", "{\"error\":{\"message\":\"Incorrect API key provided: " KEY "\",\"code\":\"invalid_api_key\"}}");
    env.route[0].r[0].status = 401;
    pr_llm *l = provider(&env, "p4", 0, 0);
    pr_llm_cache *c;
    pr_err e;
    assert_int_equal(pr_llm_cache_new(st, PR_LLM_MODE_RECORD, NULL, "k", NULL, &c, &e), 0);
    pr_err_clear(&e);
    pr_llm_prompt p;
    prompt(1, &p);
    pr_llm_result r;
    assert_int_equal(pr_llm_cache_ask(c, l, &p, PR_TIME_NONE, &r, &e), PR_EHTTP);
    assert_int_equal(r.fail, PR_LLM_FAIL_AUTH);
    assert_null(strstr(e.msg, KEY));
    assert_null(strstr(r.reason, KEY));
    assert_null(strstr(r.response, KEY));
    assert_non_null(strstr(r.response, "[REDACTED]"));
    pr_llm_result_free(&r);
    pr_llm_prompt_free(&p);
    assert_false(env.key_in_body);
    pr_llm_call_record *rows;
    size_t n;
    assert_int_equal(pr_store_llm_list(st, PR_TIME_NONE, PR_TIME_NONE, "p4", 0, &rows, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].decision_ts, PR_TIME_NONE);
    assert_string_equal(rows[0].fail, "auth");
    const char *cols[] = {rows[0].request, rows[0].response, rows[0].verdict, rows[0].error};
    for (int i = 0; i < 4; i++) assert_true(!cols[i] || !strstr(cols[i], KEY));
    assert_non_null(rows[0].error);
    pr_llm_call_records_free(rows, n);
    pr_llm_cache_free(c);
    pr_llm_free(l);
    pr_store_close(st);
    /* The whole SQLite file, WAL included, never holds the key. */
    if (g_dir[0]) {
        const char *files[] = {"cache.db", "cache.db-wal"};
        for (int i = 0; i < 2; i++) {
            char path[700];
            snprintf(path, sizeof path, "%s/%s", g_dir, files[i]);
            size_t len;
            char *b = ai_read_file(path, &len);
            if (b) assert_false(ai_contains(b, len, KEY));
            free(b);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_replay),
        cmocka_unit_test(test_failures_cached),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_no_key_in_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
