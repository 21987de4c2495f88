/* The LLM confirmation stage end to end with the in-process fake network:
 * both consensus rules through real verdict bodies, fallback to TA-only
 * logged once per episode, the below-threshold rule, no key -> disabled,
 * budget exhaustion, replay from the cache giving identical decisions and
 * logs, and in a real backtest: providers that all fail give exactly the
 * TA-only trades, while REJECT / REDUCE_SIZE verdicts change them. */
#include "ai_test.h"

#include "proratio/engine.h"

#define KEY "sk-stage-test-SECRET-99aa88bb77cc"

static char g_dir[512];

static int setup(void **st) {
    (void)st;
    setenv("PR_TEST_STAGE_KEY", KEY, 1);
    pr_test_tmpdir(g_dir, sizeof g_dir);
    return 0;
}

static int teardown(void **st) {
    (void)st;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* 600 hourly bars: a slow sine with a drift, so SMA(10/30) crosses often. */
static void series(pr_series *s) {
    pr_series_init(s, 600);
    s->tf = PR_TF_1H;
    strcpy(s->symbol, "BTCUSDT");
    int64_t t0;
    pr_time_make(2026, 1, 5, 0, 0, 0, &t0);
    double prev = 100;
    for (int i = 0; i < 600; i++) {
        double c = 100 + 10 * sin(i / 15.0) + 0.01 * i;
        pr_series_push(s, t0 + (int64_t)i * PR_MS_PER_HOUR, prev, fmax(prev, c) + 0.5, fmin(prev, c) - 0.5, c, 1000);
        prev = c;
    }
}

static const char *names[3] = {"pa", "pb", "pc"};
static const char *urls[3] = {"http://pa", "http://pb", "http://pc"};
static const double weights[3] = {0.40, 0.35, 0.25};

static void stage_config(pr_llm_stage_config *c, pr_llm_config p[3], const char *key_env) {
    pr_llm_stage_config_default(c);
    pr_test_path("prompts", c->prompts_dir, sizeof c->prompts_dir);
    for (int i = 0; i < 3; i++) {
        pr_llm_config_preset("openai", &p[i], NULL);
        pr_strlcpy(p[i].name, names[i], sizeof p[i].name);
        pr_strlcpy(p[i].base_url, urls[i], sizeof p[i].base_url);
        pr_strlcpy(p[i].key_env, key_env, sizeof p[i].key_env);
        p[i].weight = weights[i];
        p[i].max_retries = 0;
        p[i].rate_per_min = 0;
        p[i].price_in = 1;
        p[i].price_out = 1;
    }
}

static char *verdict_body(const char *action) {
    char content[160];
    snprintf(content, sizeof content, "{\"action\":\"%s\",\"confidence\":0.7,\"reasons\":[\"r\"]}", action);
    return ai_openai_body(content);
}

/* Bodies for the three actions, kept for the whole test run. */
static char *g_body[3];
static const char *body(pr_llm_action a) {
    if (!g_body[a]) g_body[a] = verdict_body(pr_llm_action_name(a));
    return g_body[a];
}

static void answer(ai_env *env, const pr_llm_action acts[3]) {
    env->n_routes = 3;
    for (int i = 0; i < 3; i++) {
        env->route[i].prefix = urls[i];
        env->route[i].n = 1;
        env->route[i].pos = 0;
        env->route[i].r[0] = acts[i] == PR_LLM_ACTION_COUNT ? (ai_resp){0, NULL, PR_LLM_FAIL_CONNECT}
                                                            : (ai_resp){200, body(acts[i]), PR_LLM_OK};
    }
}

#define A PR_LLM_APPROVE
#define R PR_LLM_REJECT
#define D PR_LLM_REDUCE_SIZE
#define X PR_LLM_ACTION_COUNT /* transport failure */

static void snap_at(const pr_series *s, size_t bar, double score, int side, pr_llm_snapshot *snap) {
    assert_int_equal(pr_llm_snapshot_build(s, bar, "binance", NULL, snap, NULL), 0);
    assert_int_equal(pr_llm_snapshot_set_score(snap, score, NULL, 0, NULL), 0);
    snap->cand.side = side;
    snap->cand.entry = s->close[bar];
}

static pr_llm_decision decide(pr_llm_stage *st, const pr_series *s, size_t bar, double score) {
    pr_llm_snapshot snap;
    snap_at(s, bar, score, 1, &snap);
    pr_llm_context ctx = {&snap};
    pr_llm_decision d;
    pr_err e;
    if (pr_llm_confirm(st, &ctx, &d, &e)) fail_msg("confirm: %s", e.msg);
    return d;
}

static size_t count_in_file(const char *path, const char *needle) {
    size_t n = 0, len;
    char *b = ai_read_file(path, &len);
    if (!b) return 0;
    for (const char *p = strstr(b, needle); p; p = strstr(p + 1, needle)) n++;
    free(b);
    return n;
}

static void no_key_in_file(const char *path) {
    size_t len;
    char *b = ai_read_file(path, &len);
    if (b && ai_contains(b, len, KEY)) fail_msg("key found in %s", path);
    free(b);
}

static void test_consensus_rules(void **st_) {
    (void)st_;
    pr_series s;
    series(&s);
    ai_env env = {.key = KEY};
    pr_llm_hooks h = ai_env_hooks(&env);
    pr_llm_stage_config c;
    pr_llm_config p[3];
    stage_config(&c, p, "PR_TEST_STAGE_KEY");
    pr_llm_stage *st;
    pr_err e;
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    assert_true(pr_llm_stage_enabled(st));
    /* Weighted: APPROVE 0.40 + 0.35 = 0.75 > 0.6 -> keep at full size. */
    answer(&env, (pr_llm_action[]){A, A, R});
    pr_llm_decision d = decide(st, &s, 300, 0.8);
    assert_int_equal(d.asked, 1);
    assert_int_equal(d.keep, 1);
    assert_true(d.size == 1.0);
    assert_true(fabs(d.consensus.agreement - 0.75) < 1e-12);
    assert_int_equal(d.n_votes, 3);
    assert_string_equal(d.votes[2].provider, "pc");
    assert_int_equal(d.votes[2].vote.action, PR_LLM_REJECT);
    assert_string_equal(d.template_id, "confirm.v1");
    /* REDUCE_SIZE 0.75 -> keep at 0.5. */
    answer(&env, (pr_llm_action[]){D, D, A});
    d = decide(st, &s, 300, 0.8);
    assert_int_equal(d.keep, 1);
    assert_true(d.size == 0.5);
    /* REJECT 0.35 + 0.25 = 0.60, not above 0.6; APPROVE 0.40 -> skip. */
    answer(&env, (pr_llm_action[]){A, R, R});
    d = decide(st, &s, 300, 0.8);
    assert_int_equal(d.keep, 0);
    assert_true(d.size == 0);
    /* The 0.40 provider down: APPROVE 0.60 of 1.00 -> skip. */
    answer(&env, (pr_llm_action[]){X, A, A});
    d = decide(st, &s, 300, 0.8);
    assert_int_equal(d.keep, 0);
    assert_int_equal(d.fallback, 0);
    assert_int_equal(d.votes[0].fail, PR_LLM_FAIL_CONNECT);
    assert_false(env.key_in_body);
    pr_llm_stage_stats ss;
    pr_llm_stage_get_stats(st, &ss);
    assert_int_equal(ss.candidates, 4);
    assert_int_equal(ss.approved, 1);
    assert_int_equal(ss.reduced, 1);
    assert_int_equal(ss.vetoed, 2);
    pr_llm_stage_free(st);

    /* Unanimous: any REJECT skips; APPROVE + REDUCE reduces; all APPROVE full size. */
    c.consensus.rule = PR_CONSENSUS_UNANIMOUS;
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    answer(&env, (pr_llm_action[]){A, A, R});
    assert_int_equal(decide(st, &s, 300, 0.8).keep, 0);
    answer(&env, (pr_llm_action[]){A, D, A});
    d = decide(st, &s, 300, 0.8);
    assert_true(d.keep == 1 && d.size == 0.5);
    answer(&env, (pr_llm_action[]){A, A, A});
    d = decide(st, &s, 300, 0.8);
    assert_true(d.keep == 1 && d.size == 1.0);
    pr_llm_stage_free(st);

    /* The direction question: a bullish verdict approves a long. */
    c.consensus.rule = PR_CONSENSUS_WEIGHTED;
    c.question = PR_LLM_Q_DIRECTION;
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    char *bull = ai_openai_body("{\"direction\":\"bullish\",\"confidence\":0.7,\"reasoning\":\"r\",\"key_factors\":[]}");
    env.n_routes = 3;
    for (int i = 0; i < 3; i++) env.route[i].r[0] = (ai_resp){200, bull, PR_LLM_OK};
    d = decide(st, &s, 300, 0.8);
    assert_int_equal(d.keep, 1);
    assert_string_equal(d.template_id, "direction.v1");
    free(bull);
    pr_llm_stage_free(st);
    c.question = PR_LLM_Q_LEVELS;
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), PR_EINVAL);
    pr_series_free(&s);
}

static void test_fallback_episodes(void **st_) {
    (void)st_;
    pr_series s;
    series(&s);
    ai_env env = {.key = KEY};
    pr_llm_hooks h = ai_env_hooks(&env);
    pr_llm_stage_config c;
    pr_llm_config p[3];
    stage_config(&c, p, "PR_TEST_STAGE_KEY");
    for (int i = 0; i < 3; i++) p[i].breaker_failures = 0;
    char logp[700];
    snprintf(logp, sizeof logp, "%s/episodes.jsonl", g_dir);
    pr_log lg;
    pr_log_init(&lg, PR_LOG_INFO, NULL);
    pr_err e;
    assert_int_equal(pr_log_open_json(&lg, logp, &e), 0);
    pr_llm_stage *st;
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, &lg, &h, &st, &e), 0);
    /* Not yet in an episode: a weak candidate is vetoed without asking. */
    size_t sends = env.sends;
    pr_llm_decision d = decide(st, &s, 300, 0.3);
    assert_int_equal(d.keep, 0);
    assert_int_equal(d.asked, 0);
    assert_int_equal(env.sends, sends);
    /* Everything fails: TA-only (keep, size 1), three times, one episode. */
    answer(&env, (pr_llm_action[]){X, X, X});
    for (int k = 0; k < 3; k++) {
        d = decide(st, &s, 300 + (size_t)k, 0.9);
        assert_int_equal(d.fallback, 1);
        assert_int_equal(d.keep, 1);
        assert_true(d.size == 1.0);
    }
    /* While AI is unavailable, weak candidates pass too (TA-only). */
    d = decide(st, &s, 310, 0.3);
    assert_int_equal(d.keep, 1);
    assert_int_equal(d.fallback, 1);
    /* One provider back: the episode ends (APPROVE 0.40 alone -> skip). */
    answer(&env, (pr_llm_action[]){A, X, X});
    d = decide(st, &s, 311, 0.9);
    assert_int_equal(d.fallback, 0);
    assert_int_equal(d.keep, 0);
    /* A second episode. */
    answer(&env, (pr_llm_action[]){X, X, X});
    d = decide(st, &s, 312, 0.9);
    assert_int_equal(d.fallback, 1);
    pr_llm_stage_stats ss;
    pr_llm_stage_get_stats(st, &ss);
    assert_int_equal(ss.episodes, 2);
    assert_int_equal(ss.fallbacks, 5);
    pr_llm_stage_log_summary(st);
    pr_llm_stage_free(st);
    pr_log_close(&lg);
    assert_int_equal(count_in_file(logp, "\"event\":\"ai_unavailable\""), 2);
    assert_int_equal(count_in_file(logp, "\"event\":\"ai_recovered\""), 1);
    assert_int_equal(count_in_file(logp, "\"event\":\"ai_decision\""), 7);
    assert_int_equal(count_in_file(logp, "\"event\":\"ai_summary\""), 1);
    assert_int_equal(count_in_file(logp, "\"fail\":\"connect\""), 3 * 4 + 2 + 3 * 2);
    no_key_in_file(logp);
    pr_series_free(&s);
}

static void test_disabled_and_budget(void **st_) {
    (void)st_;
    pr_series s;
    series(&s);
    ai_env env = {.key = KEY};
    pr_llm_hooks h = ai_env_hooks(&env);
    pr_llm_stage_config c;
    pr_llm_config p[3];
    unsetenv("PR_TEST_STAGE_NOKEY");
    stage_config(&c, p, "PR_TEST_STAGE_NOKEY");
    char logp[700];
    snprintf(logp, sizeof logp, "%s/disabled.jsonl", g_dir);
    pr_log lg;
    pr_log_init(&lg, PR_LOG_INFO, NULL);
    pr_err e;
    assert_int_equal(pr_log_open_json(&lg, logp, &e), 0);
    pr_llm_stage *st;
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, &lg, &h, &st, &e), 0);
    assert_false(pr_llm_stage_enabled(st));
    for (int k = 0; k < 3; k++) {
        pr_llm_decision d = decide(st, &s, 300, 0.9);
        assert_true(d.keep == 1 && d.size == 1.0 && d.fallback == 1);
    }
    assert_int_equal(env.sends, 0);
    pr_llm_stage_free(st);
    pr_log_close(&lg);
    assert_int_equal(count_in_file(logp, "\"event\":\"ai_disabled\""), 1);
    assert_int_equal(count_in_file(logp, "PR_TEST_STAGE_NOKEY"), 4); /* one warning per provider + the summary */

    /* Budget: 3 calls per run = one decision; the next falls back to TA-only. */
    stage_config(&c, p, "PR_TEST_STAGE_KEY");
    c.budget.max_calls_run = 3;
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    answer(&env, (pr_llm_action[]){R, R, R});
    pr_llm_decision d = decide(st, &s, 300, 0.9);
    assert_int_equal(d.keep, 0);
    d = decide(st, &s, 301, 0.9);
    assert_int_equal(d.fallback, 1);
    assert_int_equal(d.keep, 1);
    assert_int_equal(d.votes[0].fail, PR_LLM_FAIL_BUDGET);
    assert_int_equal(env.sends, 3);
    pr_llm_stage_free(st);
    pr_series_free(&s);
}

/* Strips the run's own timestamp ("ts":"...") from each JSON line. */
static char *strip_ts(const char *path) {
    size_t len;
    char *b = ai_read_file(path, &len);
    assert_non_null(b);
    char *o = malloc(len + 1), *w = o;
    for (const char *p = b; *p;) {
        if (strncmp(p, "{\"ts\":\"", 7) == 0) {
            const char *q = strchr(p + 7, '"');
            *w++ = '{';
            p = q + 2; /* skip the closing quote and the comma */
            continue;
        }
        *w++ = *p++;
    }
    *w = '\0';
    free(b);
    return o;
}

static void run_decisions(pr_llm_stage *st, const pr_series *s, pr_llm_decision out[6]) {
    for (int k = 0; k < 6; k++) out[k] = decide(st, s, 200 + 37 * (size_t)k, 0.9);
}

static void test_replay_identical(void **st_) {
    (void)st_;
    pr_series s;
    series(&s);
    char url[700];
    snprintf(url, sizeof url, "sqlite:%s/replay.db", g_dir);
    pr_store *store;
    pr_err e;
    if (pr_store_open(url, &store, &e)) fail_msg("%s", e.msg);
    ai_env env = {.key = KEY};
    pr_llm_hooks h = ai_env_hooks(&env);
    pr_llm_stage_config c;
    pr_llm_config p[3];
    stage_config(&c, p, "PR_TEST_STAGE_KEY");
    c.mode = PR_LLM_MODE_RECORD;
    /* Varied answers per provider, one failure included. */
    env.n_routes = 3;
    const pr_llm_action seq[3][6] = {{A, R, D, A, A, X}, {A, A, D, R, A, A}, {R, A, A, R, X, D}};
    for (int i = 0; i < 3; i++) {
        env.route[i].prefix = urls[i];
        env.route[i].n = 6;
        for (int k = 0; k < 6; k++)
            env.route[i].r[k] = seq[i][k] == X ? (ai_resp){0, NULL, PR_LLM_FAIL_TIMEOUT} : (ai_resp){200, body(seq[i][k]), PR_LLM_OK};
    }
    pr_llm_decision rec[6], rep1[6], rep2[6];
    pr_llm_stage *st;
    assert_int_equal(pr_llm_stage_new(&c, p, 3, store, NULL, &h, &st, &e), 0);
    run_decisions(st, &s, rec);
    pr_llm_stage_free(st);
    size_t sent = env.sends;
    assert_int_equal(sent, 18);

    /* Replay twice with a network that would fail: nothing is sent, same decisions, same log lines. */
    answer(&env, (pr_llm_action[]){X, X, X});
    c.mode = PR_LLM_MODE_REPLAY;
    char logs[2][700];
    pr_llm_decision *reps[2] = {rep1, rep2};
    for (int r = 0; r < 2; r++) {
        snprintf(logs[r], sizeof logs[r], "%s/replay%d.jsonl", g_dir, r);
        pr_log lg;
        pr_log_init(&lg, PR_LOG_INFO, NULL);
        assert_int_equal(pr_log_open_json(&lg, logs[r], &e), 0);
        assert_int_equal(pr_llm_stage_new(&c, p, 3, store, &lg, &h, &st, &e), 0);
        run_decisions(st, &s, reps[r]);
        pr_llm_stage_free(st);
        pr_log_close(&lg);
    }
    assert_int_equal(env.sends, sent);
    for (int k = 0; k < 6; k++) {
        assert_int_equal(rep1[k].keep, rec[k].keep);
        assert_true(rep1[k].size == rec[k].size);
        assert_true(rep1[k].consensus.agreement == rec[k].consensus.agreement);
        assert_string_equal(rep1[k].prompt_hash, rec[k].prompt_hash);
        for (int i = 0; i < 3; i++) {
            assert_int_equal(rep1[k].votes[i].vote.answered, rec[k].votes[i].vote.answered);
            assert_int_equal(rep1[k].votes[i].vote.action, rec[k].votes[i].vote.action);
            assert_int_equal(rep1[k].votes[i].fail, rec[k].votes[i].fail);
            assert_int_equal(rep1[k].votes[i].cached, 1);
        }
        assert_memory_equal(&rep1[k].consensus, &rep2[k].consensus, sizeof rep1[k].consensus);
    }
    /* Decision 0: A A R -> keep; 1: R A A -> APPROVE 0.60 -> skip; 2: D D A -> 0.5. */
    assert_true(rec[0].keep == 1 && rec[0].size == 1.0);
    assert_int_equal(rec[1].keep, 0);
    assert_true(rec[2].keep == 1 && rec[2].size == 0.5);
    /* Replay needs no key: on a machine without it the stage is enabled,
     * sends nothing and decides as the recording did. */
    unsetenv("PR_TEST_STAGE_NOKEY");
    for (int i = 0; i < 3; i++) pr_strlcpy(p[i].key_env, "PR_TEST_STAGE_NOKEY", sizeof p[i].key_env);
    assert_int_equal(pr_llm_stage_new(&c, p, 3, store, NULL, &h, &st, &e), 0);
    assert_true(pr_llm_stage_enabled(st));
    pr_llm_decision nokey[6];
    run_decisions(st, &s, nokey);
    assert_int_equal(pr_llm_stage_n_misses(st), 0);
    pr_llm_stage_free(st);
    assert_int_equal(env.sends, sent);
    for (int k = 0; k < 6; k++) {
        assert_int_equal(nokey[k].keep, rec[k].keep);
        assert_true(nokey[k].size == rec[k].size && nokey[k].fallback == 0);
    }
    /* Plain prompts are other questions than the recorded anonymised ones:
     * each of the 6 x 3 asks is a miss, listed and logged one by one. */
    c.snapshot.anonymise = 0;
    char mlog[700];
    snprintf(mlog, sizeof mlog, "%s/misses.jsonl", g_dir);
    pr_log ml;
    pr_log_init(&ml, PR_LOG_INFO, NULL);
    assert_int_equal(pr_log_open_json(&ml, mlog, &e), 0);
    assert_int_equal(pr_llm_stage_new(&c, p, 3, store, &ml, &h, &st, &e), 0);
    pr_llm_decision missed[6];
    run_decisions(st, &s, missed);
    assert_int_equal(pr_llm_stage_n_misses(st), 18);
    pr_llm_stage_stats ms;
    pr_llm_stage_get_stats(st, &ms);
    assert_int_equal(ms.replay_misses, 18);
    const pr_llm_miss *m = pr_llm_stage_miss(st, 4); /* decision 1, provider pb */
    assert_non_null(m);
    assert_string_equal(m->provider, "pb");
    assert_true(m->decision_ts == s.ts[237] + PR_MS_PER_HOUR);
    assert_string_equal(m->template_id, "confirm.v1");
    assert_string_equal(m->prompt_hash, missed[1].prompt_hash);
    assert_null(pr_llm_stage_miss(st, 18));
    pr_llm_stage_free(st);
    pr_log_close(&ml);
    assert_int_equal(count_in_file(mlog, "\"event\":\"ai_replay_miss\""), 18);
    assert_int_equal(env.sends, sent);
    c.snapshot.anonymise = 1;

    char *l1 = strip_ts(logs[0]), *l2 = strip_ts(logs[1]);
    assert_string_equal(l1, l2);
    assert_non_null(strstr(l1, "\"cached\":true"));
    free(l1);
    free(l2);
    no_key_in_file(logs[0]);
    pr_store_close(store);
    char db[700];
    snprintf(db, sizeof db, "%s/replay.db", g_dir);
    no_key_in_file(db);
    pr_series_free(&s);
}

/* The ta_threshold veto is counted apart from the models' vetoes; a
 * gate-only stage applies the rule without asking; plain prompts about a
 * time before the models' cutoff make the stage contaminated. */
static void test_threshold_gate_contamination(void **st_) {
    (void)st_;
    pr_series s;
    series(&s);
    ai_env env = {.key = KEY};
    pr_llm_hooks h = ai_env_hooks(&env);
    pr_llm_stage_config c;
    pr_llm_config p[3];
    stage_config(&c, p, "PR_TEST_STAGE_KEY");
    pr_err e;
    pr_llm_stage *st;
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    answer(&env, (pr_llm_action[]){R, R, R});
    pr_llm_decision d = decide(st, &s, 300, 0.5); /* below 0.6: vetoed, nobody asked */
    assert_true(d.keep == 0 && d.asked == 0);
    d = decide(st, &s, 301, 0.9);                 /* asked: all REJECT */
    assert_true(d.keep == 0 && d.asked == 1);
    pr_llm_stage_stats x;
    pr_llm_stage_get_stats(st, &x);
    assert_int_equal(x.threshold_vetoed, 1);
    assert_int_equal(x.below_threshold, 1);
    assert_int_equal(x.vetoed, 1);
    assert_int_equal(env.sends, 3);
    /* The series starts 2026-01-05; a cutoff in 2027 is after it. */
    assert_true(pr_llm_stage_anonymised(st));
    assert_int_equal(pr_llm_stage_contaminated(st, NULL, 0), 0);
    pr_llm_stage_free(st);

    c.snapshot.anonymise = 0;
    for (int i = 0; i < 3; i++) pr_time_make(2027, 1, 1, 0, 0, 0, &p[i].knowledge_cutoff);
    p[2].knowledge_cutoff = s.ts[0]; /* pc knows nothing of this period */
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    char why[1200];
    assert_int_equal(pr_llm_stage_contaminated(st, why, sizeof why), 0); /* nothing asked yet */
    answer(&env, (pr_llm_action[]){A, A, A});
    decide(st, &s, 300, 0.9);
    decide(st, &s, 320, 0.9);
    assert_int_equal(pr_llm_stage_contaminated(st, why, sizeof why), 1);
    assert_string_equal(why, "pa (gpt-4o-mini): trained on data up to 2027-01-01, shown identifiable prompts for "
                             "decisions 2026-01-17..2026-01-18; pb (gpt-4o-mini): trained on data up to 2027-01-01, "
                             "shown identifiable prompts for decisions 2026-01-17..2026-01-18");
    pr_llm_stage_free(st);

    /* Gate only: no provider is created or asked. */
    size_t sends = env.sends;
    c.gate_only = 1;
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    d = decide(st, &s, 300, 0.59);
    assert_true(d.keep == 0 && d.asked == 0 && d.fallback == 0);
    d = decide(st, &s, 301, 0.6);
    assert_true(d.keep == 1 && d.size == 1.0 && d.asked == 0 && d.candidate == 1);
    pr_llm_stage_get_stats(st, &x);
    assert_int_equal(x.threshold_vetoed, 1);
    assert_int_equal(x.vetoed, 0);
    assert_int_equal(env.sends, sends);
    assert_int_equal(pr_llm_stage_contaminated(st, NULL, 0), 0);
    pr_llm_stage_free(st);
    /* ...and, like the stage it stands for, passes everything when no
     * provider has a key (that stage would be disabled). */
    unsetenv("PR_TEST_STAGE_NOKEY");
    for (int i = 0; i < 3; i++) pr_strlcpy(p[i].key_env, "PR_TEST_STAGE_NOKEY", sizeof p[i].key_env);
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    d = decide(st, &s, 300, 0.1);
    assert_true(d.keep == 1 && d.fallback == 1);
    pr_llm_stage_free(st);
    pr_series_free(&s);
}

/* ---- in a backtest ---------------------------------------------------------------- */
static char *backtest(const pr_series *bars, pr_llm_stage *stage, size_t *n_trades, double *first_size) {
    pr_strategy *strat = NULL;
    pr_err err;
    assert_int_equal(pr_strategy_create("sma_cross", NULL, NULL, &strat, &err), 0);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_FIXED_FRACTION;
    pc.sizing.fraction = 0.5;
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(&pc, strat, &p, &err), 0);
    if (stage) {
        pr_confirm_stage cs;
        assert_int_equal(pr_llm_stage_as_confirm(stage, &cs, &err), 0);
        assert_int_equal(pr_pipeline_add_stage(p, &cs, &err), 0);
    }
    pr_bt_market mk = {.bars = bars};
    assert_int_equal(pr_market_spec_default("BTCUSDT", PR_ASSET_CRYPTO, &mk.spec, &err), 0);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    if (pr_backtest_run(&bc, p, &r, &err)) fail_msg("backtest: %s", err.msg);
    *n_trades = r.n_trades;
    *first_size = r.n_trades ? r.trades[0].entry_notional : 0;
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    pr_trade_record *tr = NULL;
    pr_equity_point *eq = NULL;
    size_t n_tr = 0, n_eq = 0;
    assert_int_equal(pr_backtest_records(&bc, &r, &tr, &n_tr, &eq, &n_eq, &err), 0);
    assert_int_equal(pr_fwrite_trades_csv(f, tr, n_tr, &err), 0);
    assert_int_equal(pr_fwrite_equity_csv(f, eq, n_eq, &err), 0);
    fclose(f);
    free(tr);
    free(eq);
    pr_backtest_result_free(&r);
    pr_pipeline_free(p); /* frees the stage too */
    pr_strategy_free(strat);
    return buf;
}

static void test_backtest_fallback(void **st_) {
    (void)st_;
    pr_series s;
    series(&s);
    size_t n0, n1;
    double sz0, sz1;
    char *ta_only = backtest(&s, NULL, &n0, &sz0);
    assert_true(n0 >= 5);

    ai_env env = {.key = KEY};
    pr_llm_hooks h = ai_env_hooks(&env);
    pr_llm_stage_config c;
    pr_llm_config p[3];
    stage_config(&c, p, "PR_TEST_STAGE_KEY");
    pr_llm_stage *st;
    pr_err e;
    /* Every provider down: exactly the TA-only trades and equity. */
    answer(&env, (pr_llm_action[]){X, X, X});
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    char *fallback = backtest(&s, st, &n1, &sz1);
    assert_true(env.sends > 0);
    assert_string_equal(fallback, ta_only);
    free(fallback);

    /* Every provider rejects: no entry survives. */
    size_t before = env.sends;
    answer(&env, (pr_llm_action[]){R, R, R});
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    free(backtest(&s, st, &n1, &sz1));
    assert_int_equal(n1, 0);
    assert_true(env.sends > before);

    /* REDUCE_SIZE: the same trades at half the notional (fraction 0.5 of equity -> 0.25). */
    answer(&env, (pr_llm_action[]){D, D, D});
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    free(backtest(&s, st, &n1, &sz1));
    assert_int_equal(n1, n0);
    assert_true(fabs(sz1 - sz0 / 2) / sz0 < 0.01);
    free(ta_only);
    pr_series_free(&s);
}

/* ---- the verdict as the signal carries it to the sizer ------------------------------- */
static struct { int n; pr_signal_verdict verdict; double conf, align; int mtf_known; } g_seen;

static int record_size(void *self, const pr_size_request *rq, pr_size *out, pr_err *err) {
    (void)self, (void)err;
    g_seen.n++;
    g_seen.verdict = rq->sig->verdict;
    g_seen.conf = rq->sig->verdict_confidence;
    g_seen.mtf_known = rq->sig->mtf_known;
    g_seen.align = rq->sig->mtf_align;
    out->mode = PR_QTY_NOTIONAL;
    out->value = 1000;
    out->reason = NULL;
    return 0;
}

/* Runs sma_cross through the stage with a sizer that records what the
 * signal says of the verdict (the risk stage's multipliers read these). */
static void verdict_run(const pr_series *bars, pr_llm_stage *stage) {
    memset(&g_seen, 0, sizeof g_seen);
    pr_strategy *strat = NULL;
    pr_err err;
    assert_int_equal(pr_strategy_create("sma_cross", NULL, NULL, &strat, &err), 0);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(&pc, strat, &p, &err), 0);
    pr_confirm_stage cs;
    assert_int_equal(pr_llm_stage_as_confirm(stage, &cs, &err), 0);
    assert_int_equal(pr_pipeline_add_stage(p, &cs, &err), 0);
    pr_sizer sz = {.size = record_size, .name = "recorder"};
    pr_pipeline_set_sizer(p, &sz);
    pr_bt_market mk = {.bars = bars};
    assert_int_equal(pr_market_spec_default("BTCUSDT", PR_ASSET_CRYPTO, &mk.spec, &err), 0);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    if (pr_backtest_run(&bc, p, &r, &err)) fail_msg("backtest: %s", err.msg);
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_strategy_free(strat);
}

static void test_verdict_on_signal(void **st_) {
    (void)st_;
    pr_series s;
    series(&s);
    ai_env env = {.key = KEY};
    pr_llm_hooks h = ai_env_hooks(&env);
    pr_llm_stage_config c;
    pr_llm_config p[3];
    stage_config(&c, p, "PR_TEST_STAGE_KEY");
    pr_llm_stage *st;
    pr_err e;
    /* All three REDUCE_SIZE at confidence 0.7: the signal carries REDUCE
     * and 0.7 (the weighted mean of the agreeing votes' 0.7); no mtf. */
    answer(&env, (pr_llm_action[]){D, D, D});
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    verdict_run(&s, st);
    assert_true(g_seen.n > 0);
    assert_int_equal(g_seen.verdict, PR_SIG_VERDICT_REDUCE);
    assert_true(fabs(g_seen.conf - 0.7) < 1e-12);
    assert_int_equal(g_seen.mtf_known, 0);
    /* APPROVE: APPROVE. */
    answer(&env, (pr_llm_action[]){A, A, A});
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    verdict_run(&s, st);
    assert_int_equal(g_seen.verdict, PR_SIG_VERDICT_APPROVE);
    /* Every provider down: the stage falls back to TA only and reports no verdict. */
    answer(&env, (pr_llm_action[]){X, X, X});
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    verdict_run(&s, st);
    assert_true(g_seen.n > 0);
    assert_int_equal(g_seen.verdict, PR_SIG_VERDICT_NONE);
    assert_int_equal(g_seen.mtf_known, 0);
    /* The mtf question: 1h, 4h, 1d bullish at 0.8, 1w bearish at 0.4. For
     * sma_cross's longs 3 of 4 timeframes agree: alignment 0.75; the vote
     * is bullish -> APPROVE at the agreeing ones' mean confidence 0.8. */
    char *mtf = ai_openai_body("{\"timeframes\":{\"1h\":{\"direction\":\"bullish\",\"confidence\":0.8,\"patterns\":[]},"
                               "\"4h\":{\"direction\":\"bullish\",\"confidence\":0.8,\"patterns\":[]},"
                               "\"1d\":{\"direction\":\"bullish\",\"confidence\":0.8,\"patterns\":[]},"
                               "\"1w\":{\"direction\":\"bearish\",\"confidence\":0.4,\"patterns\":[]}},"
                               "\"reasoning\":\"r\"}");
    answer(&env, (pr_llm_action[]){A, A, A});
    for (int i = 0; i < 3; i++) env.route[i].r[0].body = mtf;
    c.question = PR_LLM_Q_MTF;
    assert_int_equal(pr_llm_stage_new(&c, p, 3, NULL, NULL, &h, &st, &e), 0);
    verdict_run(&s, st);
    assert_true(g_seen.n > 0);
    assert_int_equal(g_seen.verdict, PR_SIG_VERDICT_APPROVE);
    assert_true(fabs(g_seen.conf - 0.8) < 1e-12);
    assert_int_equal(g_seen.mtf_known, 1);
    assert_true(fabs(g_seen.align - 0.75) < 1e-12);
    free(mtf);
    pr_series_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consensus_rules),  cmocka_unit_test(test_fallback_episodes),
        cmocka_unit_test(test_disabled_and_budget), cmocka_unit_test(test_replay_identical),
        cmocka_unit_test(test_backtest_fallback), cmocka_unit_test(test_threshold_gate_contamination),
        cmocka_unit_test(test_verdict_on_signal),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    for (int i = 0; i < 3; i++) free(g_body[i]);
    return rc;
}
