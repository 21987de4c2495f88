/* Prompt templates (parsing, strict filling, the shipped prompts/ files),
 * prompt identity (SHA-256 known answers) and the market snapshot: values
 * worked out by hand on a linear series, and no look-ahead (changing bars
 * after the decision bar never changes the prompt). */
#include "ai_test.h"

#include "proratio/ai.h"

static void test_sha_and_make(void **st) {
    (void)st;
    char h[65];
    assert_int_equal(pr_ai_sha256_hex("abc", 3, h, NULL), 0);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    pr_llm_prompt p;
    assert_int_equal(pr_llm_prompt_make(PR_LLM_Q_CONFIRM, "confirm.v1", "S", "U", &p, NULL), 0);
    /* sha256("S\n\nU") (Python hashlib) */
    assert_string_equal(p.hash, "6d1e414ecc311834c7571a78e2cddf0d5e5e0cce021e6f3f19b1e87e4a3f89b5");
    assert_string_equal(p.template_id, "confirm.v1");
    pr_llm_prompt_free(&p);
}

static void test_template(void **st) {
    (void)st;
    pr_prompt_template *t;
    pr_err e;
    const char *src = "# comment\n\n[system]\n\nYou judge {{symbol}}.\n\n[user]\nPrice {{last_close}} at {{time}}.\n\n";
    assert_int_equal(pr_prompt_template_parse(src, PR_LLM_Q_DIRECTION, "direction.t1", &t, &e), 0);
    assert_string_equal(pr_prompt_template_id(t), "direction.t1");
    pr_prompt_var v[] = {{"symbol", "BTCUSDT"}, {"last_close", "{{symbol}}"}, {"time", "T"}, {"unused", "x"}};
    pr_llm_prompt p;
    assert_int_equal(pr_prompt_fill(t, v, 4, &p, &e), 0);
    assert_string_equal(p.system, "You judge BTCUSDT.");
    /* Values are not expanded again. */
    assert_string_equal(p.user, "Price {{symbol}} at T.");
    assert_int_equal(p.question, PR_LLM_Q_DIRECTION);
    pr_llm_prompt_free(&p);
    /* A placeholder without a value is an error, never an empty string. */
    assert_int_equal(pr_prompt_fill(t, v, 2, &p, &e), PR_ENOTFOUND);
    assert_non_null(strstr(e.msg, "{{time}}"));
    pr_prompt_template_free(t);

    assert_int_equal(pr_prompt_template_parse("[system]\nA {{bad\n[user]\nB", PR_LLM_Q_CONFIRM, "x", &t, &e), PR_EPARSE);
    assert_int_equal(pr_prompt_template_parse("[system]\nA {{Bad}}\n[user]\nB", PR_LLM_Q_CONFIRM, "x", &t, &e), PR_EPARSE);
    assert_int_equal(pr_prompt_template_parse("hello\n[system]\nA\n[user]\nB", PR_LLM_Q_CONFIRM, "x", &t, &e), PR_EPARSE);
    assert_int_equal(pr_prompt_template_parse("[system]\nA\n", PR_LLM_Q_CONFIRM, "x", &t, &e), PR_EPARSE);
    assert_int_equal(pr_prompt_template_parse("[user]\nB\n[system]\nA", PR_LLM_Q_CONFIRM, "x", &t, &e), PR_EPARSE);
    assert_int_equal(pr_prompt_template_parse("[system]\n\n[user]\nB", PR_LLM_Q_CONFIRM, "x", &t, &e), PR_EPARSE);

    char dir[1024];
    pr_test_path("prompts", dir, sizeof dir);
    assert_int_equal(pr_prompt_template_load(dir, PR_LLM_Q_CONFIRM, "v9", &t, &e), PR_ENOTFOUND);
    assert_int_equal(pr_prompt_template_load(dir, PR_LLM_Q_CONFIRM, "../x", &t, &e), PR_EINVAL);
}

/* 300 hourly bars from Monday 2026-01-05 00:00Z, close = 100 + i. */
static void linear(pr_series *s, double tail_factor, size_t last) {
    pr_series_init(s, 300);
    s->tf = PR_TF_1H;
    strcpy(s->symbol, "TESTUSD");
    int64_t t0;
    pr_time_make(2026, 1, 5, 0, 0, 0, &t0);
    for (size_t i = 0; i < 300; i++) {
        double c = 100 + (double)i;
        if (i > last) c *= tail_factor;
        pr_series_push(s, t0 + (int64_t)i * PR_MS_PER_HOUR, c - 0.5, c + 1, c - 1, c, 10 + (double)i);
    }
}

static double ind(const pr_llm_snapshot *s, const char *name) {
    for (size_t i = 0; i < s->n_ind; i++)
        if (strcmp(s->ind[i].name, name) == 0) return s->ind[i].value;
    fail_msg("no indicator %s", name);
    return 0;
}

static void test_snapshot(void **st) {
    (void)st;
    pr_series s;
    linear(&s, 1, 299);
    pr_llm_snapshot snap;
    pr_err e;
    assert_int_equal(pr_llm_snapshot_build(&s, 250, "binance", NULL, &snap, &e), 0);
    assert_int_equal(snap.bar_ts, s.ts[250]);
    assert_int_equal(snap.decision_ts, s.ts[250] + PR_MS_PER_HOUR);
    assert_int_equal(snap.n_bars, 12);
    assert_true(snap.close[11] == 350 && snap.close[0] == 339);
    /* window: high = 350+1, low = 339-1, change = 350/339 - 1 */
    assert_true(snap.window_high == 351 && snap.window_low == 338);
    assert_true(fabs(snap.window_change - (350.0 / 339.0 - 1)) < 1e-15);
    /* A rising series: RSI 100; SMA200 of closes 151..350 (bars 51..250) = 250.5 */
    assert_true(fabs(ind(&snap, "RSI14") - 100) < 1e-9);
    assert_true(fabs(ind(&snap, "SMA200") - 250.5) < 1e-9);
    /* 4h: buckets 0,4,...,244 closed by +251h (bucket 248 closes at 252h):
     * 62 bars, last close = bar 247 = 347, SMA10 = mean(311,315,...,347) = 329,
     * 5-bar change = 347/327 - 1. */
    assert_int_equal(snap.n_htf, 3);
    assert_int_equal(snap.htf[0].tf, PR_TF_4H);
    assert_int_equal(snap.htf[0].bars, 62);
    assert_true(snap.htf[0].close == 347);
    assert_true(fabs(snap.htf[0].sma - 329) < 1e-12);
    assert_true(fabs(snap.htf[0].change - (347.0 / 327.0 - 1)) < 1e-15);
    assert_int_equal(snap.htf[0].trend, 1);
    /* 1d: days 0..9 closed (day 10 closes at 264h): last close = bar 239 = 339,
     * SMA10 = mean(123, 147, ..., 339) = 231. */
    assert_int_equal(snap.htf[1].bars, 10);
    assert_true(snap.htf[1].close == 339);
    assert_true(fabs(snap.htf[1].sma - 231) < 1e-12);
    /* 1w: only the week of Jan 5 has closed. */
    assert_int_equal(snap.htf[2].bars, 1);

    pr_snap_item comp[2] = {{"trend", 0.8}, {"momentum", 0.6}};
    assert_int_equal(pr_llm_snapshot_set_score(&snap, 0.72, comp, 2, &e), 0);
    assert_int_equal(pr_llm_snapshot_set_score(&snap, 1.5, comp, 2, &e), PR_ERANGE);
    snap.cand.side = 1;
    snap.cand.entry = 350;
    snap.cand.stop = 340;
    snap.cand.target = 370;
    strcpy(snap.cand.strategy, "sma_cross");
    pr_snap_text *txt = malloc(sizeof *txt);
    assert_int_equal(pr_llm_snapshot_render(&snap, txt, &e), 0);
    const char *want[][2] = {
        {"symbol", "TESTUSD"}, {"venue", "binance"}, {"timeframe", "1h"},
        {"time", "2026-01-15T11:00:00Z"}, {"bar_time", "2026-01-15T10:00:00Z"}, {"last_close", "350"},
        {"ta_score", "0.7200"}, {"ta_components", "trend: 0.8\nmomentum: 0.6"}, {"side", "long"},
        /* risk 10/350 = 2.857%, reward/risk 20/10 = 2 */
        {"candidate", "LONG entry 350, stop 340, target 370, risk +2.86%, reward/risk 2.00, strategy sma_cross"},
        {"ohlcv_summary", "last 12 bars: change +3.24%, high 351, low 338, last close 350, mean volume 254.5"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int found = 0;
        for (size_t k = 0; k < PR_SNAP_VARS; k++)
            if (strcmp(txt->vars[k].name, want[i][0]) == 0) {
                found = 1;
                if (strcmp(txt->vars[k].value, want[i][1]) != 0)
                    fail_msg("%s: got '%s' want '%s'", want[i][0], txt->vars[k].value, want[i][1]);
            }
        assert_true(found);
    }
    for (size_t k = 0; k < PR_SNAP_VARS; k++)
        if (strcmp(txt->vars[k].name, "htf_trends") == 0)
            assert_non_null(strstr(txt->vars[k].value, "4h: up (close 347, SMA10 329, 5-bar change +6.12%)\n1d: up"));
    free(txt);

    /* Every shipped template fills from a snapshot. */
    char dir[1024];
    pr_test_path("prompts", dir, sizeof dir);
    pr_llm_prompt p1, p2;
    for (int q = 0; q < PR_LLM_Q_COUNT; q++) {
        pr_prompt_template *t;
        if (pr_prompt_template_load(dir, (pr_llm_question)q, "v1", &t, &e)) fail_msg("%s", e.msg);
        char id[32];
        snprintf(id, sizeof id, "%s.v1", pr_llm_question_name((pr_llm_question)q));
        assert_string_equal(pr_prompt_template_id(t), id);
        if (pr_prompt_fill_snapshot(t, &snap, &p1, &e)) fail_msg("%s: %s", id, e.msg);
        assert_null(strstr(p1.user, "{{"));
        assert_non_null(strstr(p1.system, "JSON"));
        pr_llm_prompt_free(&p1);
        pr_prompt_template_free(t);
    }

    /* No look-ahead: bars after the decision bar do not change the prompt. */
    pr_prompt_template *t;
    assert_int_equal(pr_prompt_template_load(dir, PR_LLM_Q_CONFIRM, "v1", &t, &e), 0);
    assert_int_equal(pr_prompt_fill_snapshot(t, &snap, &p1, &e), 0);
    assert_non_null(strstr(p1.user, "Candidate trade: LONG entry 350"));
    pr_series fut;
    linear(&fut, 3.0, 250); /* bars 251.. tripled */
    pr_llm_snapshot snap2;
    assert_int_equal(pr_llm_snapshot_build(&fut, 250, "binance", NULL, &snap2, &e), 0);
    snap2.ta_score = snap.ta_score;
    snap2.n_comp = snap.n_comp;
    memcpy(snap2.comp, snap.comp, sizeof snap.comp);
    snap2.cand = snap.cand;
    assert_int_equal(pr_prompt_fill_snapshot(t, &snap2, &p2, &e), 0);
    assert_string_equal(p1.hash, p2.hash);
    assert_string_equal(p1.user, p2.user);
    pr_llm_prompt_free(&p2);
    /* ...while the decision bar itself does. */
    fut.close[250] += 1;
    assert_int_equal(pr_llm_snapshot_build(&fut, 250, "binance", NULL, &snap2, &e), 0);
    snap2.cand = snap.cand;
    assert_int_equal(pr_prompt_fill_snapshot(t, &snap2, &p2, &e), 0);
    assert_string_not_equal(p1.hash, p2.hash);
    pr_llm_prompt_free(&p1);
    pr_llm_prompt_free(&p2);
    pr_prompt_template_free(t);
    pr_series_free(&fut);

    assert_int_equal(pr_llm_snapshot_build(&s, 300, NULL, NULL, &snap, &e), PR_ERANGE);
    pr_series_free(&s);
}

static const char *var(const pr_snap_text *t, const char *name) {
    for (size_t k = 0; k < PR_SNAP_VARS; k++)
        if (strcmp(t->vars[k].name, name) == 0) return t->vars[k].value;
    fail_msg("no variable %s", name);
    return "";
}

/* The number after `label` in s. */
static double num_after(const char *s, const char *label) {
    const char *p = strstr(s, label);
    if (!p) fail_msg("'%s' not in '%s'", label, s);
    return strtod(p + strlen(label), NULL);
}

/* Anonymised rendering of the snapshot at bar 250 of linear(): bars 239..250
 * shown, the oldest closes at 339, so every price is multiplied by 100/339;
 * volumes 10 + i (249..260) are divided by their mean 254.5. */
static void test_anonymised(void **st) {
    (void)st;
    pr_series s;
    linear(&s, 1, 299);
    pr_llm_snapshot_opts o;
    pr_llm_snapshot_opts_default(&o);
    assert_int_equal(o.anonymise, 0); /* the primitive is plain; the stage sets it */
    o.anonymise = 1;
    pr_llm_snapshot snap, plain;
    pr_err e;
    assert_int_equal(pr_llm_snapshot_build(&s, 250, "binance", &o, &snap, &e), 0);
    assert_int_equal(pr_llm_snapshot_build(&s, 250, "binance", NULL, &plain, &e), 0);
    snap.cand.side = plain.cand.side = 1;
    snap.cand.entry = plain.cand.entry = 350;
    snap.cand.stop = plain.cand.stop = 340;
    snap.cand.target = plain.cand.target = 370;
    strcpy(snap.cand.strategy, "sma_cross");
    strcpy(snap.cand.reason, "fast SMA 345.5 crossed above slow SMA on TESTUSD");
    plain.cand = snap.cand;
    pr_snap_text *txt = malloc(sizeof *txt);
    assert_int_equal(pr_llm_snapshot_render(&snap, txt, &e), 0);
    const double k = 100.0 / 339.0;
    assert_string_equal(var(txt, "symbol"), "withheld");
    assert_string_equal(var(txt, "venue"), "withheld");
    assert_string_equal(var(txt, "bar_time"), "t-0");
    assert_true(strncmp(var(txt, "time"), "withheld", 8) == 0);
    assert_string_equal(var(txt, "timeframe"), "1h");
    assert_true(fabs(strtod(var(txt, "last_close"), NULL) - 350 * k) < 1e-7);
    const char *sum = var(txt, "ohlcv_summary");
    assert_non_null(strstr(sum, "change +3.24%")); /* a ratio: unchanged */
    assert_true(fabs(num_after(sum, "high ") - 351 * k) < 1e-7 && fabs(num_after(sum, "low ") - 338 * k) < 1e-7);
    /* recent bars: "age open high low close volume", then t-11 .. t-0 */
    const char *rb = var(txt, "recent_bars");
    assert_true(strncmp(rb, "age open high low close volume\nt-11 ", 36) == 0);
    double ov[5];
    const char *l0 = strstr(rb, "\nt-0 ");
    assert_non_null(l0);
    assert_int_equal(sscanf(l0 + 5, "%lf %lf %lf %lf %lf", &ov[0], &ov[1], &ov[2], &ov[3], &ov[4]), 5);
    assert_true(fabs(ov[0] - 349.5 * k) < 1e-7 && fabs(ov[1] - 351 * k) < 1e-7 && fabs(ov[2] - 349 * k) < 1e-7);
    assert_true(fabs(ov[3] - 350 * k) < 1e-7 && fabs(ov[4] - 260 / 254.5) < 1e-9);
    assert_null(strstr(rb, "\nt-11 338.5 "));
    assert_true(fabs(num_after(rb, "\nt-11 ") - 338.5 * k) < 1e-7);
    /* indicators: prices rebased (SMA200 = 250.5), oscillators not (RSI 100) */
    const char *in = var(txt, "indicators");
    assert_true(fabs(num_after(in, "SMA200: ") - 250.5 * k) < 1e-7);
    assert_true(fabs(num_after(in, "RSI14: ") - 100) < 1e-9);
    assert_true(fabs(num_after(var(txt, "htf_trends"), "4h: up (close ") - 347 * k) < 1e-7);
    /* candidate: prices rebased, risk and reward/risk unchanged, reason (which quotes prices) left out */
    const char *c = var(txt, "candidate");
    assert_true(fabs(num_after(c, "LONG entry ") - 350 * k) < 1e-7 && fabs(num_after(c, "stop ") - 340 * k) < 1e-7);
    assert_true(fabs(num_after(c, "target ") - 370 * k) < 1e-7);
    assert_non_null(strstr(c, "risk +2.86%, reward/risk 2.00, strategy sma_cross"));
    assert_null(strstr(c, "reason"));
    for (size_t i = 0; i < PR_SNAP_VARS; i++) {
        const char *v = txt->vars[i].value;
        if (strstr(v, "TESTUSD") || strstr(v, "binance") || strstr(v, "2026") || strstr(v, "350 "))
            fail_msg("%s identifies the market or the date: %s", txt->vars[i].name, v);
    }
    /* The anonymised prompt is another prompt (another cache key). */
    char dir[1024];
    pr_test_path("prompts", dir, sizeof dir);
    pr_prompt_template *t;
    assert_int_equal(pr_prompt_template_load(dir, PR_LLM_Q_CONFIRM, "v1", &t, &e), 0);
    pr_llm_prompt pa, pp;
    assert_int_equal(pr_prompt_fill_snapshot(t, &snap, &pa, &e), 0);
    assert_int_equal(pr_prompt_fill_snapshot(t, &plain, &pp, &e), 0);
    assert_string_not_equal(pa.hash, pp.hash);
    assert_non_null(strstr(pp.user, "TESTUSD"));
    assert_null(strstr(pa.user, "TESTUSD"));
    pr_llm_prompt_free(&pa);
    pr_llm_prompt_free(&pp);
    pr_prompt_template_free(t);
    free(txt);
    pr_series_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha_and_make),
        cmocka_unit_test(test_template),
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_anonymised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
