/* Verdict parsing: the fixtures' answers, every rejection reason, each
 * question's schema, and the JSON schemas sent to providers (compared with
 * the fixtures' request bodies). Expected values are read off the fixture
 * texts by hand. */
#include "ai_test.h"

#include "proratio/ai.h"

static pr_verdict_reject parse_why(pr_llm_question q, const char *s, pr_verdict *v, pr_err *e) {
    pr_verdict_reject why = PR_VERDICT_REJECT_COUNT;
    int rc = pr_verdict_parse(q, s, strlen(s), v, &why, e);
    if (why == PR_VERDICT_OK) assert_int_equal(rc, 0);
    else assert_true(rc == PR_EPARSE || rc == PR_ERANGE);
    return why;
}

static void expect(pr_llm_question q, const char *s, pr_verdict_reject want, const char *field) {
    pr_verdict v;
    pr_err e;
    pr_err_clear(&e);
    pr_verdict_reject got = parse_why(q, s, &v, &e);
    if (got != want)
        fail_msg("%s: got %s want %s (%s)", s, pr_verdict_reject_name(got), pr_verdict_reject_name(want), e.msg);
    if (field) assert_string_equal(e.field, field);
    if (want != PR_VERDICT_OK) assert_true(strstr(e.msg, pr_verdict_reject_name(want)) != NULL);
}

static void test_direction_fixtures(void **st) {
    (void)st;
    pr_verdict v;
    pr_err e;
    char *s = ai_fixture_content("openai/response_chat_verdict.json");
    assert_int_equal(parse_why(PR_LLM_Q_DIRECTION, s, &v, &e), PR_VERDICT_OK);
    assert_int_equal(v.question, PR_LLM_Q_DIRECTION);
    assert_int_equal(v.u.direction.direction, PR_LLM_BULLISH);
    assert_true(v.u.direction.confidence == 0.72);
    assert_int_equal(v.u.direction.key_factors.n, 4);
    assert_string_equal(v.u.direction.key_factors.item[0], "4h close above EMA50 (95180)");
    assert_string_equal(v.u.direction.key_factors.item[3], "3 days of spot ETF net inflows");
    assert_true(strncmp(v.u.direction.reasoning, "Price reclaimed the 4h EMA50", 28) == 0);
    free(s);

    /* A single clean ```json fence is accepted (documented choice). */
    s = ai_fixture_content("anthropic/response_messages_fenced.json");
    assert_int_equal(parse_why(PR_LLM_Q_DIRECTION, s, &v, &e), PR_VERDICT_OK);
    assert_int_equal(v.u.direction.direction, PR_LLM_BEARISH);
    assert_true(v.u.direction.confidence == 0.61);
    assert_string_equal(v.u.direction.key_factors.item[1], "upper wicks on last 2 candles");
    free(s);

    s = ai_fixture_content("gemini/response_generate_content.json");
    assert_int_equal(parse_why(PR_LLM_Q_DIRECTION, s, &v, &e), PR_VERDICT_OK);
    assert_int_equal(v.u.direction.direction, PR_LLM_NEUTRAL);
    assert_true(v.u.direction.confidence == 0.55);
    free(s);

    /* Cut off by the token limit: rejected as truncated, never parsed. */
    const char *cut[] = {"openai/response_chat_finish_length.json", "anthropic/response_messages_max_tokens.json",
                         "gemini/response_max_tokens.json"};
    for (size_t i = 0; i < 3; i++) {
        s = ai_fixture_content(cut[i]);
        assert_int_equal(parse_why(PR_LLM_Q_DIRECTION, s, &v, &e), PR_VERDICT_TRUNCATED);
        free(s);
    }
    s = ai_fixture_content("deepseek/response_chat_empty_content.json");
    assert_int_equal(parse_why(PR_LLM_Q_DIRECTION, s, &v, &e), PR_VERDICT_EMPTY);
    free(s);
}

#define DIR_OK "{\"direction\":\"bullish\",\"confidence\":0.7,\"reasoning\":\"r\",\"key_factors\":[\"a\"]}"

static void test_wrapping(void **st) {
    (void)st;
    expect(PR_LLM_Q_DIRECTION, DIR_OK, PR_VERDICT_OK, NULL);
    expect(PR_LLM_Q_DIRECTION, "\n\n  " DIR_OK "  \n", PR_VERDICT_OK, NULL);
    expect(PR_LLM_Q_DIRECTION, "```json\n" DIR_OK "\n```", PR_VERDICT_OK, NULL);
    expect(PR_LLM_Q_DIRECTION, "```\n" DIR_OK "\n```\n", PR_VERDICT_OK, NULL);
    expect(PR_LLM_Q_DIRECTION, "```JSON\n" DIR_OK "```", PR_VERDICT_OK, NULL);
    expect(PR_LLM_Q_DIRECTION, "Here is my verdict: " DIR_OK, PR_VERDICT_EXTRA_TEXT, NULL);
    expect(PR_LLM_Q_DIRECTION, DIR_OK " Hope this helps!", PR_VERDICT_EXTRA_TEXT, NULL);
    expect(PR_LLM_Q_DIRECTION, DIR_OK DIR_OK, PR_VERDICT_EXTRA_TEXT, NULL);
    expect(PR_LLM_Q_DIRECTION, "Sure:\n```json\n" DIR_OK "\n```", PR_VERDICT_EXTRA_TEXT, NULL);
    expect(PR_LLM_Q_DIRECTION, "```json\n" DIR_OK "\n```\nLet me know.", PR_VERDICT_EXTRA_TEXT, NULL);
    expect(PR_LLM_Q_DIRECTION, "```json\n" DIR_OK "\n```\n```json\n" DIR_OK "\n```", PR_VERDICT_EXTRA_TEXT, NULL);
    expect(PR_LLM_Q_DIRECTION, "```python\n" DIR_OK "\n```", PR_VERDICT_MALFORMED, NULL);
    expect(PR_LLM_Q_DIRECTION, "```json\n" DIR_OK, PR_VERDICT_TRUNCATED, NULL);
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"confidence\":0.7,\"reas", PR_VERDICT_TRUNCATED, NULL);
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",", PR_VERDICT_TRUNCATED, NULL);
    expect(PR_LLM_Q_DIRECTION, "", PR_VERDICT_EMPTY, NULL);
    expect(PR_LLM_Q_DIRECTION, " \n\t ", PR_VERDICT_EMPTY, NULL);
    expect(PR_LLM_Q_DIRECTION, "```json\n\n```", PR_VERDICT_EMPTY, NULL);
    expect(PR_LLM_Q_DIRECTION, "[" DIR_OK "]", PR_VERDICT_NOT_OBJECT, NULL);
    expect(PR_LLM_Q_DIRECTION, "\"bullish\"", PR_VERDICT_NOT_OBJECT, NULL);
    expect(PR_LLM_Q_DIRECTION, "I cannot help with that.", PR_VERDICT_MALFORMED, NULL);
    expect(PR_LLM_Q_DIRECTION, "{direction: bullish}", PR_VERDICT_MALFORMED, NULL);
    expect(PR_LLM_Q_DIRECTION,
           "{\"direction\":\"bullish\",\"direction\":\"bearish\",\"confidence\":0.7,\"reasoning\":\"r\",\"key_factors\":[]}",
           PR_VERDICT_MALFORMED, NULL);
    /* NULL text is an empty answer. */
    pr_verdict v;
    pr_verdict_reject why;
    assert_int_equal(pr_verdict_parse(PR_LLM_Q_DIRECTION, NULL, 0, &v, &why, NULL), PR_EPARSE);
    assert_int_equal(why, PR_VERDICT_EMPTY);
}

static void test_direction_fields(void **st) {
    (void)st;
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"reasoning\":\"r\",\"key_factors\":[]}",
           PR_VERDICT_MISSING_FIELD, "confidence");
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"confidence\":null,\"reasoning\":\"r\",\"key_factors\":[]}",
           PR_VERDICT_MISSING_FIELD, "confidence");
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"confidence\":0.7,\"reasoning\":\"r\",\"key_factors\":[],\"horizon\":\"24h\"}",
           PR_VERDICT_UNKNOWN_FIELD, "horizon");
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"confidence\":\"0.7\",\"reasoning\":\"r\",\"key_factors\":[]}",
           PR_VERDICT_WRONG_TYPE, "confidence");
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"confidence\":1.4,\"reasoning\":\"r\",\"key_factors\":[]}",
           PR_VERDICT_OUT_OF_RANGE, "confidence");
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"confidence\":-0.01,\"reasoning\":\"r\",\"key_factors\":[]}",
           PR_VERDICT_OUT_OF_RANGE, "confidence");
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"confidence\":1,\"reasoning\":\"r\",\"key_factors\":[]}",
           PR_VERDICT_OK, NULL);
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"confidence\":0,\"reasoning\":\"\",\"key_factors\":[]}",
           PR_VERDICT_OK, NULL);
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"Bullish\",\"confidence\":0.5,\"reasoning\":\"r\",\"key_factors\":[]}",
           PR_VERDICT_UNKNOWN_LABEL, "direction");
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"up\",\"confidence\":0.5,\"reasoning\":\"r\",\"key_factors\":[]}",
           PR_VERDICT_UNKNOWN_LABEL, "direction");
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":1,\"confidence\":0.5,\"reasoning\":\"r\",\"key_factors\":[]}",
           PR_VERDICT_WRONG_TYPE, "direction");
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"confidence\":0.5,\"reasoning\":\"r\",\"key_factors\":[\"a\",2]}",
           PR_VERDICT_WRONG_TYPE, "key_factors.1");
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"confidence\":0.5,\"reasoning\":\"r\",\"key_factors\":\"a\"}",
           PR_VERDICT_WRONG_TYPE, "key_factors");
    expect(PR_LLM_Q_DIRECTION, "{\"direction\":\"bullish\",\"confidence\":1e400,\"reasoning\":\"r\",\"key_factors\":[]}",
           PR_VERDICT_MALFORMED, NULL);
    /* Lists keep their first 8 items. */
    pr_verdict v;
    const char *many = "{\"direction\":\"neutral\",\"confidence\":0.5,\"reasoning\":\"r\",\"key_factors\":"
                       "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\"]}";
    assert_int_equal(pr_verdict_parse(PR_LLM_Q_DIRECTION, many, strlen(many), &v, NULL, NULL), 0);
    assert_int_equal(v.u.direction.key_factors.n, 8);
    assert_string_equal(v.u.direction.key_factors.item[7], "8");
}

static void test_confirm(void **st) {
    (void)st;
    pr_verdict v;
    const char *s = "{\"action\":\"REDUCE_SIZE\",\"confidence\":0.64,\"reasons\":[\"RSI overbought\",\"near resistance\"]}";
    assert_int_equal(pr_verdict_parse(PR_LLM_Q_CONFIRM, s, strlen(s), &v, NULL, NULL), 0);
    assert_int_equal(v.u.confirm.action, PR_LLM_REDUCE_SIZE);
    assert_true(v.u.confirm.confidence == 0.64);
    assert_int_equal(v.u.confirm.reasons.n, 2);
    assert_string_equal(v.u.confirm.reasons.item[1], "near resistance");
    expect(PR_LLM_Q_CONFIRM, "{\"action\":\"MAYBE\",\"confidence\":0.5,\"reasons\":[]}", PR_VERDICT_UNKNOWN_LABEL, "action");
    expect(PR_LLM_Q_CONFIRM, "{\"action\":\"approve\",\"confidence\":0.5,\"reasons\":[]}", PR_VERDICT_UNKNOWN_LABEL, "action");
    expect(PR_LLM_Q_CONFIRM, "{\"action\":\"REJECT\",\"confidence\":0.5}", PR_VERDICT_MISSING_FIELD, "reasons");
    expect(PR_LLM_Q_CONFIRM, "{\"action\":\"REJECT\",\"confidence\":2,\"reasons\":[]}", PR_VERDICT_OUT_OF_RANGE, "confidence");
    /* A direction-shaped answer to the confirm question. */
    expect(PR_LLM_Q_CONFIRM, DIR_OK, PR_VERDICT_MISSING_FIELD, "action");
}

#define TF(d, c) "{\"direction\":\"" d "\",\"confidence\":" c ",\"patterns\":[\"p\"]}"
static void test_mtf(void **st) {
    (void)st;
    pr_verdict v;
    const char *s = "{\"timeframes\":{\"1h\":" TF("bullish", "0.6") ",\"4h\":" TF("bullish", "0.7") ",\"1d\":"
        TF("neutral", "0.5") ",\"1w\":" TF("bearish", "0.55") "},\"reasoning\":\"mixed\"}";
    assert_int_equal(pr_verdict_parse(PR_LLM_Q_MTF, s, strlen(s), &v, NULL, NULL), 0);
    assert_int_equal(v.u.mtf.tf[PR_MTF_1H].direction, PR_LLM_BULLISH);
    assert_true(v.u.mtf.tf[PR_MTF_4H].confidence == 0.7);
    assert_int_equal(v.u.mtf.tf[PR_MTF_1D].direction, PR_LLM_NEUTRAL);
    assert_int_equal(v.u.mtf.tf[PR_MTF_1W].direction, PR_LLM_BEARISH);
    assert_string_equal(v.u.mtf.tf[PR_MTF_1W].patterns.item[0], "p");
    assert_string_equal(v.u.mtf.reasoning, "mixed");
    expect(PR_LLM_Q_MTF, "{\"timeframes\":{\"1h\":" TF("bullish", "0.6") ",\"4h\":" TF("bullish", "0.7") ",\"1d\":"
           TF("neutral", "0.5") "},\"reasoning\":\"x\"}", PR_VERDICT_MISSING_FIELD, "timeframes.1w");
    expect(PR_LLM_Q_MTF, "{\"timeframes\":{\"1h\":" TF("bullish", "0.6") ",\"4h\":" TF("bullish", "0.7") ",\"1d\":"
           TF("neutral", "0.5") ",\"1w\":" TF("bearish", "0.55") ",\"15m\":" TF("bearish", "0.5") "},\"reasoning\":\"x\"}",
           PR_VERDICT_UNKNOWN_FIELD, "timeframes.15m");
    expect(PR_LLM_Q_MTF, "{\"timeframes\":{\"1h\":" TF("bullish", "0.6") ",\"4h\":" TF("sideways", "0.7") ",\"1d\":"
           TF("neutral", "0.5") ",\"1w\":" TF("bearish", "0.55") "},\"reasoning\":\"x\"}",
           PR_VERDICT_UNKNOWN_LABEL, "timeframes.4h.direction");
    expect(PR_LLM_Q_MTF, "{\"timeframes\":{\"1h\":" TF("bullish", "0.6") ",\"4h\":" TF("bullish", "7") ",\"1d\":"
           TF("neutral", "0.5") ",\"1w\":" TF("bearish", "0.55") "},\"reasoning\":\"x\"}",
           PR_VERDICT_OUT_OF_RANGE, "timeframes.4h.confidence");
    expect(PR_LLM_Q_MTF, "{\"timeframes\":[],\"reasoning\":\"x\"}", PR_VERDICT_WRONG_TYPE, "timeframes");
}

#define PROBS(a, b) "{\"strong_bull\":" a ",\"weak_bull\":" b ",\"bull_range\":0.1,\"bear_range\":0.05," \
    "\"weak_bear\":0.04,\"strong_bear\":0.03,\"high_vol_expansion\":0.02,\"low_vol_compression\":0.01}"
static void test_regime(void **st) {
    (void)st;
    pr_verdict v;
    /* 0.55 + 0.2 + 0.1 + 0.05 + 0.04 + 0.03 + 0.02 + 0.01 = 1.00 */
    const char *s = "{\"regime\":\"strong_bull\",\"probabilities\":" PROBS("0.55", "0.2") ",\"reasoning\":\"trend\"}";
    assert_int_equal(pr_verdict_parse(PR_LLM_Q_REGIME, s, strlen(s), &v, NULL, NULL), 0);
    assert_int_equal(v.u.regime.regime, PR_REGIME_STRONG_BULL);
    assert_true(v.u.regime.prob[PR_REGIME_WEAK_BULL] == 0.2);
    assert_true(v.u.regime.prob[PR_REGIME_LOW_VOL_COMPRESSION] == 0.01);
    /* Sum 1.02 is within the 0.03 tolerance; 0.90 and 1.05 are not. */
    expect(PR_LLM_Q_REGIME, "{\"regime\":\"strong_bull\",\"probabilities\":" PROBS("0.57", "0.2") ",\"reasoning\":\"\"}",
           PR_VERDICT_OK, NULL);
    expect(PR_LLM_Q_REGIME, "{\"regime\":\"strong_bull\",\"probabilities\":" PROBS("0.45", "0.2") ",\"reasoning\":\"\"}",
           PR_VERDICT_INCONSISTENT, "probabilities");
    expect(PR_LLM_Q_REGIME, "{\"regime\":\"strong_bull\",\"probabilities\":" PROBS("0.60", "0.2") ",\"reasoning\":\"\"}",
           PR_VERDICT_INCONSISTENT, "probabilities");
    /* The named regime must be the most probable one. */
    expect(PR_LLM_Q_REGIME, "{\"regime\":\"weak_bull\",\"probabilities\":" PROBS("0.55", "0.2") ",\"reasoning\":\"\"}",
           PR_VERDICT_INCONSISTENT, "regime");
    expect(PR_LLM_Q_REGIME, "{\"regime\":\"sideways\",\"probabilities\":" PROBS("0.55", "0.2") ",\"reasoning\":\"\"}",
           PR_VERDICT_UNKNOWN_LABEL, "regime");
    expect(PR_LLM_Q_REGIME, "{\"regime\":\"strong_bull\",\"probabilities\":{\"strong_bull\":1},\"reasoning\":\"\"}",
           PR_VERDICT_MISSING_FIELD, "probabilities.weak_bull");
    expect(PR_LLM_Q_REGIME, "{\"regime\":\"strong_bull\",\"probabilities\":" PROBS("1.55", "0.2") ",\"reasoning\":\"\"}",
           PR_VERDICT_OUT_OF_RANGE, "probabilities.strong_bull");
}

#define LVL(k, p, s, t) "{\"kind\":\"" k "\",\"price\":" p ",\"strength\":" s ",\"touches\":" t "}"
static void test_levels(void **st) {
    (void)st;
    pr_verdict v;
    const char *s = "{\"levels\":[" LVL("support", "94100", "0.8", "3") "," LVL("psychological", "100000", "0.5", "0")
                    "],\"reasoning\":\"x\"}";
    assert_int_equal(pr_verdict_parse(PR_LLM_Q_LEVELS, s, strlen(s), &v, NULL, NULL), 0);
    assert_int_equal(v.u.levels.n, 2);
    assert_int_equal(v.u.levels.level[0].kind, PR_LEVEL_SUPPORT);
    assert_true(v.u.levels.level[0].price == 94100);
    assert_int_equal(v.u.levels.level[0].touches, 3);
    assert_int_equal(v.u.levels.level[1].kind, PR_LEVEL_PSYCHOLOGICAL);
    expect(PR_LLM_Q_LEVELS, "{\"levels\":[" LVL("support", "94100", "0.8", "3.0") "],\"reasoning\":\"\"}", PR_VERDICT_OK, NULL);
    expect(PR_LLM_Q_LEVELS, "{\"levels\":[" LVL("support", "94100", "0.8", "2.5") "],\"reasoning\":\"\"}",
           PR_VERDICT_WRONG_TYPE, "levels.0.touches");
    expect(PR_LLM_Q_LEVELS, "{\"levels\":[" LVL("support", "94100", "0.8", "-1") "],\"reasoning\":\"\"}",
           PR_VERDICT_OUT_OF_RANGE, "levels.0.touches");
    expect(PR_LLM_Q_LEVELS, "{\"levels\":[" LVL("support", "94100", "0.8", "1") "," LVL("resistance", "0", "0.8", "1")
           "],\"reasoning\":\"\"}", PR_VERDICT_OUT_OF_RANGE, "levels.1.price");
    expect(PR_LLM_Q_LEVELS, "{\"levels\":[" LVL("support", "94100", "1.2", "1") "],\"reasoning\":\"\"}",
           PR_VERDICT_OUT_OF_RANGE, "levels.0.strength");
    expect(PR_LLM_Q_LEVELS, "{\"levels\":[" LVL("pivot", "94100", "0.2", "1") "],\"reasoning\":\"\"}",
           PR_VERDICT_UNKNOWN_LABEL, "levels.0.kind");
    expect(PR_LLM_Q_LEVELS, "{\"levels\":[],\"reasoning\":\"\"}", PR_VERDICT_OUT_OF_RANGE, "levels");
    char big[4096] = "{\"levels\":[";
    for (int i = 0; i < 17; i++) {
        strcat(big, LVL("support", "100", "0.5", "1"));
        strcat(big, i < 16 ? "," : "");
    }
    strcat(big, "],\"reasoning\":\"\"}");
    expect(PR_LLM_Q_LEVELS, big, PR_VERDICT_OUT_OF_RANGE, "levels");
}

static void test_roundtrip(void **st) {
    (void)st;
    const char *src[] = {
        "{\"action\":\"APPROVE\",\"confidence\":0.81,\"reasons\":[\"trend\",\"volume\"]}",
        DIR_OK,
        "{\"timeframes\":{\"1h\":" TF("bullish", "0.6") ",\"4h\":" TF("bullish", "0.7") ",\"1d\":" TF("neutral", "0.5")
        ",\"1w\":" TF("bearish", "0.55") "},\"reasoning\":\"mixed\"}",
        "{\"regime\":\"strong_bull\",\"probabilities\":" PROBS("0.55", "0.2") ",\"reasoning\":\"trend\"}",
        "{\"levels\":[" LVL("support", "94100.5", "0.8", "3") "],\"reasoning\":\"x\"}"};
    pr_llm_question qs[] = {PR_LLM_Q_CONFIRM, PR_LLM_Q_DIRECTION, PR_LLM_Q_MTF, PR_LLM_Q_REGIME, PR_LLM_Q_LEVELS};
    for (int i = 0; i < 5; i++) {
        pr_verdict a, b;
        assert_int_equal(pr_verdict_parse(qs[i], src[i], strlen(src[i]), &a, NULL, NULL), 0);
        char *js = pr_verdict_to_json(&a);
        assert_non_null(js);
        assert_int_equal(pr_verdict_parse(qs[i], js, strlen(js), &b, NULL, NULL), 0);
        char *js2 = pr_verdict_to_json(&b);
        assert_string_equal(js, js2);
        /* Same values as the source text, whatever the key order. */
        json_t *x = json_loads(js, 0, NULL), *y = json_loads(src[i], 0, NULL);
        assert_true(json_equal(x, y));
        json_decref(x);
        json_decref(y);
        free(js);
        free(js2);
    }
}

/* Found by fuzzing (tests/fuzz/corpus/verdict/seed-direction-long-utf8):
 * a text longer than its buffer was cut inside a multi-byte character, so
 * the verdict held invalid UTF-8 and its stored JSON lost the whole text.
 * The cut now falls on a character boundary. By hand: 400 x "é" (2 bytes)
 * in a 640-byte buffer keep 319 characters = 638 bytes; 60 x "€" (3 bytes)
 * in a 128-byte item keep 42 characters = 126 bytes. */
static void test_text_cut_on_character(void **st) {
    (void)st;
    char src[2048], reasoning[801] = "", factor[181] = "";
    for (int i = 0; i < 400; i++) strcat(reasoning, "\xc3\xa9");
    for (int i = 0; i < 60; i++) strcat(factor, "\xe2\x82\xac");
    snprintf(src, sizeof src, "{\"direction\":\"bullish\",\"confidence\":0.7,\"reasoning\":\"%s\",\"key_factors\":[\"%s\"]}",
             reasoning, factor);
    pr_verdict v;
    assert_int_equal(pr_verdict_parse(PR_LLM_Q_DIRECTION, src, strlen(src), &v, NULL, NULL), 0);
    assert_int_equal(strlen(v.u.direction.reasoning), 638);
    assert_int_equal(strncmp(v.u.direction.reasoning, reasoning, 638), 0);
    assert_int_equal(strlen(v.u.direction.key_factors.item[0]), 126);
    assert_int_equal(strncmp(v.u.direction.key_factors.item[0], factor, 126), 0);
    /* The stored form keeps the (cut) text. */
    char *js = pr_verdict_to_json(&v);
    assert_non_null(js);
    assert_non_null(strstr(js, v.u.direction.reasoning));
    free(js);
    /* An unknown label is shown in the message cut to 47 bytes: 23 x "é"
     * (46 bytes), not 23.5 characters, so the message stays UTF-8. */
    snprintf(src, sizeof src, "{\"direction\":\"%.60s\",\"confidence\":0.7,\"reasoning\":\"\",\"key_factors\":[]}",
             reasoning);
    pr_err e;
    pr_err_clear(&e);
    assert_int_not_equal(pr_verdict_parse(PR_LLM_Q_DIRECTION, src, strlen(src), &v, NULL, &e), 0);
    char want[128];
    snprintf(want, sizeof want, "\"%.46s\" is not an allowed value", reasoning);
    if (!strstr(e.msg, want)) fail_msg("message %s lacks %s", e.msg, want);
    json_t *msg = json_string(e.msg);
    assert_non_null(msg); /* valid UTF-8 */
    json_decref(msg);
}

static void test_schema_matches_fixtures(void **st) {
    (void)st;
    json_t *rq = ai_fixture_json("openai/request_chat_json_schema.json");
    json_t *want = json_object_get(json_object_get(json_object_get(rq, "response_format"), "json_schema"), "schema");
    char *s = pr_verdict_schema(PR_LLM_Q_DIRECTION, 0);
    json_t *got = json_loads(s, 0, NULL);
    assert_true(json_equal(got, want));
    assert_string_equal(pr_verdict_schema_name(PR_LLM_Q_DIRECTION), "trading_verdict");
    free(s);
    json_decref(got);
    json_decref(rq);

    rq = ai_fixture_json("gemini/request_generate_content.json");
    want = json_object_get(json_object_get(rq, "generationConfig"), "responseSchema");
    s = pr_verdict_schema(PR_LLM_Q_DIRECTION, 1);
    got = json_loads(s, 0, NULL);
    assert_true(json_equal(got, want));
    free(s);
    json_decref(got);
    json_decref(rq);

    /* Every schema is valid JSON and strict-mode shaped. */
    for (int q = 0; q < PR_LLM_Q_COUNT; q++) {
        s = pr_verdict_schema((pr_llm_question)q, 0);
        got = json_loads(s, 0, NULL);
        assert_non_null(got);
        assert_true(json_is_false(json_object_get(got, "additionalProperties")));
        assert_int_equal(json_array_size(json_object_get(got, "required")), json_object_size(json_object_get(got, "properties")));
        json_decref(got);
        free(s);
        s = pr_verdict_schema((pr_llm_question)q, 1);
        assert_null(strstr(s, "additionalProperties"));
        assert_non_null(strstr(s, "\"OBJECT\""));
        free(s);
    }
}

static void test_names(void **st) {
    (void)st;
    pr_llm_question q;
    assert_int_equal(pr_llm_question_parse("regime", &q), 0);
    assert_int_equal(q, PR_LLM_Q_REGIME);
    assert_int_equal(pr_llm_question_parse("nope", &q), PR_EINVAL);
    assert_string_equal(pr_regime_name(PR_REGIME_LOW_VOL_COMPRESSION), "low_vol_compression");
    assert_string_equal(pr_llm_action_name(PR_LLM_REDUCE_SIZE), "REDUCE_SIZE");
    assert_int_equal(pr_llm_direction_sign(PR_LLM_BEARISH), -1);
    assert_string_equal(pr_mtf_name(PR_MTF_1W), "1w");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_direction_fixtures), cmocka_unit_test(test_wrapping),
        cmocka_unit_test(test_direction_fields),   cmocka_unit_test(test_confirm),
        cmocka_unit_test(test_mtf),                cmocka_unit_test(test_regime),
        cmocka_unit_test(test_levels),             cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_schema_matches_fixtures), cmocka_unit_test(test_names),
        cmocka_unit_test(test_text_cut_on_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
