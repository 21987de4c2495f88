/* Verdict parsing and validation: finds the single JSON object in a model's
 * answer (accepting one clean ```json fence, nothing else around it) and
 * checks it field by field against the question's schema. Every rejection
 * names its reason and the JSON path; nothing is repaired. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "proratio/ai.h"

static const char *const k_questions[PR_LLM_Q_COUNT] = {"confirm", "direction", "mtf", "regime",
                                                       "levels"};
static const char *const k_actions[PR_LLM_ACTION_COUNT] = {"APPROVE", "REJECT", "REDUCE_SIZE"};
static const char *const k_dirs[PR_LLM_DIR_COUNT] = {"bullish", "bearish", "neutral"};
static const char *const k_regimes[PR_REGIME_COUNT] = {
    "strong_bull", "weak_bull", "bull_range", "bear_range",
    "weak_bear", "strong_bear", "high_vol_expansion", "low_vol_compression"};
static const char *const k_levels[PR_LEVEL_KIND_COUNT] = {"support", "resistance",
                                                         "psychological"};
static const char *const k_mtf[PR_MTF_COUNT] = {"1h", "4h", "1d", "1w"};
static const char *const k_rejects[PR_VERDICT_REJECT_COUNT] = {
    "ok", "empty", "extra_text", "truncated", "malformed", "not_object", "missing_field",
    "unknown_field", "wrong_type", "out_of_range", "unknown_label", "inconsistent"};

const char *pr_llm_question_name(pr_llm_question q) {
    return (unsigned)q < PR_LLM_Q_COUNT ? k_questions[q] : "?";
}

int pr_llm_question_parse(const char *s, pr_llm_question *out) {
    for (int i = 0; s && i < PR_LLM_Q_COUNT; i++)
        if (strcmp(s, k_questions[i]) == 0) {
            *out = (pr_llm_question)i;
            return PR_OK;
        }
    return PR_EINVAL;
}

const char *pr_llm_action_name(pr_llm_action a) {
    return (unsigned)a < PR_LLM_ACTION_COUNT ? k_actions[a] : "?";
}
const char *pr_llm_direction_name(pr_llm_direction d) {
    return (unsigned)d < PR_LLM_DIR_COUNT ? k_dirs[d] : "?";
}
int pr_llm_direction_sign(pr_llm_direction d) {
    return d == PR_LLM_BULLISH ? 1 : (d == PR_LLM_BEARISH ? -1 : 0);
}
const char *pr_regime_name(pr_regime r) {
    return (unsigned)r < PR_REGIME_COUNT ? k_regimes[r] : "?";
}
const char *pr_level_kind_name(pr_level_kind k) {
    return (unsigned)k < PR_LEVEL_KIND_COUNT ? k_levels[k] : "?";
}
const char *pr_mtf_name(int i) { return i >= 0 && i < PR_MTF_COUNT ? k_mtf[i] : "?"; }
const char *pr_verdict_reject_name(pr_verdict_reject r) {
    return (unsigned)r < PR_VERDICT_REJECT_COUNT ? k_rejects[r] : "?";
}

/* ---- rejection context --------------------------------------------------- */
typedef struct vctx {
    pr_verdict_reject why;
    pr_err *err;
} vctx;

static int reject(vctx *c, pr_verdict_reject why, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int reject(vctx *c, pr_verdict_reject why, const char *path, const char *fmt, ...) {
    c->why = why;
    int code = (why == PR_VERDICT_EMPTY || why == PR_VERDICT_EXTRA_TEXT ||
                why == PR_VERDICT_TRUNCATED || why == PR_VERDICT_MALFORMED ||
                why == PR_VERDICT_NOT_OBJECT)
                   ? PR_EPARSE
                   : PR_ERANGE;
    if (c->err) {
        char msg[PR_ERR_MSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        if (path && *path) {
            pr_strlcpy(c->err->field, path, sizeof c->err->field);
            pr_err_set(c->err, code, "verdict %s: %s: %s", k_rejects[why], path, msg);
        } else {
            pr_err_set(c->err, code, "verdict %s: %s", k_rejects[why], msg);
        }
    }
    return code;
}

/* ---- locating the JSON object -------------------------------------------- */
static int is_ws(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }

static void trim(const char **s, size_t *n) {
    while (*n > 0 && is_ws(**s)) (*s)++, (*n)--;
    while (*n > 0 && is_ws((*s)[*n - 1])) (*n)--;
}

static const char *find(const char *s, size_t n, const char *needle) {
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, needle, m) == 0) return s + i;
    return NULL;
}

/* Narrows [s, s+n) to the JSON text, unwrapping one clean fence. */
static int locate(const char **s, size_t *n, vctx *c) {
    trim(s, n);
    if (*n == 0) return reject(c, PR_VERDICT_EMPTY, NULL, "the answer is empty");
    const char *t = *s;
    size_t len = *n;
    if (len >= 3 && memcmp(t, "```", 3) == 0) {
        const char *nl = memchr(t, '\n', len);
        if (!nl) return reject(c, PR_VERDICT_TRUNCATED, NULL, "code fence is not closed");
        const char *tag = t + 3;
        size_t tag_n = (size_t)(nl - tag);
        trim(&tag, &tag_n);
        if (!(tag_n == 0 || (tag_n == 4 && strncasecmp(tag, "json", 4) == 0)))
            return reject(c, PR_VERDICT_MALFORMED, NULL, "code fence is not a json block");
        const char *body = nl + 1;
        size_t body_n = len - (size_t)(body - t);
        const char *close = find(body, body_n, "```");
        if (!close) return reject(c, PR_VERDICT_TRUNCATED, NULL, "code fence is not closed");
        if (close + 3 != t + len)
            return reject(c, PR_VERDICT_EXTRA_TEXT, NULL, "text after the code fence");
        *s = body;
        *n = (size_t)(close - body);
        trim(s, n);
        if (*n == 0) return reject(c, PR_VERDICT_EMPTY, NULL, "the code fence is empty");
        return PR_OK;
    }
    if (find(t, len, "```"))
        return reject(c, PR_VERDICT_EXTRA_TEXT, NULL, "text around a code fence");
    if (t[0] != '{' && t[0] != '[' && memchr(t, '{', len))
        return reject(c, PR_VERDICT_EXTRA_TEXT, NULL, "text before the JSON object");
    return PR_OK;
}

static int load(const char *s, size_t n, json_t **out, vctx *c) {
    json_error_t e;
    json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    if (!j) {
        switch (json_error_code(&e)) {
        case json_error_premature_end_of_input:
            return reject(c, PR_VERDICT_TRUNCATED, NULL, "JSON ends early (%s)", e.text);
        case json_error_end_of_input_expected:
            return reject(c, PR_VERDICT_EXTRA_TEXT, NULL, "text after the JSON object");
        default:
            return reject(c, PR_VERDICT_MALFORMED, NULL, "%s at character %d", e.text, e.position);
        }
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return reject(c, PR_VERDICT_NOT_OBJECT, NULL, "expected a JSON object");
    }
    *out = j;
    return PR_OK;
}

/* ---- field validators ------------------------------------------------------ */
static void join(char *buf, size_t cap, const char *prefix, const char *key) {
    if (prefix && *prefix)
        snprintf(buf, cap, "%s.%s", prefix, key);
    else
        snprintf(buf, cap, "%s", key);
}

/* Fails on the first key of obj not in allowed (NULL-terminated). */
static int only_keys(json_t *obj, const char *const *allowed, const char *prefix, vctx *c) {
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0) ok = 1;
        if (!ok) {
            char p[96];
            join(p, sizeof p, prefix, key);
            return reject(c, PR_VERDICT_UNKNOWN_FIELD, p, "unknown key");
        }
    }
    return PR_OK;
}

static int field(json_t *obj, const char *key, const char *prefix, json_t **out, vctx *c) {
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        char p[96];
        join(p, sizeof p, prefix, key);
        return reject(c, PR_VERDICT_MISSING_FIELD, p, "required key is missing");
    }
    *out = v;
    return PR_OK;
}

static int number(json_t *obj, const char *key, const char *prefix, double lo, double hi,
                  double *out, vctx *c) {
    json_t *v = NULL;
    int rc = field(obj, key, prefix, &v, c);
    if (rc) return rc;
    char p[96];
    join(p, sizeof p, prefix, key);
    if (!json_is_number(v)) return reject(c, PR_VERDICT_WRONG_TYPE, p, "expected a number");
    double x = json_number_value(v);
    if (!isfinite(x) || x < lo || x > hi)
        return reject(c, PR_VERDICT_OUT_OF_RANGE, p, "%.17g is outside [%g,%g]", x, lo, hi);
    *out = x;
    return PR_OK;
}

/* Copies a JSON string (valid UTF-8) into buf, cutting a long one before
 * the character that does not fit, never inside it: a verdict holding a
 * broken character would be stored without that text (jansson refuses it)
 * and printed as garbage. */
static void copy_text(char *buf, size_t cap, const char *s) {
    size_t n = pr_strlcpy(buf, s, cap);
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    buf[n] = '\0';
}

static int label(json_t *obj, const char *key, const char *prefix, const char *const *names,
                 int n, int *out, vctx *c) {
    json_t *v = NULL;
    int rc = field(obj, key, prefix, &v, c);
    if (rc) return rc;
    char p[96];
    join(p, sizeof p, prefix, key);
    if (!json_is_string(v)) return reject(c, PR_VERDICT_WRONG_TYPE, p, "expected a string");
    const char *s = json_string_value(v);
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return PR_OK;
        }
    char shown[48];
    copy_text(shown, sizeof shown, s);
    return reject(c, PR_VERDICT_UNKNOWN_LABEL, p, "\"%s\" is not an allowed value", shown);
}

static int text(json_t *obj, const char *key, const char *prefix, char *buf, size_t cap,
                vctx *c) {
    json_t *v = NULL;
    int rc = field(obj, key, prefix, &v, c);
    if (rc) return rc;
    if (!json_is_string(v)) {
        char p[96];
        join(p, sizeof p, prefix, key);
        return reject(c, PR_VERDICT_WRONG_TYPE, p, "expected a string");
    }
    copy_text(buf, cap, json_string_value(v));
    return PR_OK;
}

static int list(json_t *obj, const char *key, const char *prefix, pr_verdict_list *out,
                vctx *c) {
    json_t *v = NULL;
    int rc = field(obj, key, prefix, &v, c);
    if (rc) return rc;
    char p[96];
    join(p, sizeof p, prefix, key);
    if (!json_is_array(v)) return reject(c, PR_VERDICT_WRONG_TYPE, p, "expected an array of strings");
    out->n = 0;
    size_t i;
    json_t *it;
    json_array_foreach(v, i, it) {
        if (!json_is_string(it)) {
            char q[128];
            snprintf(q, sizeof q, "%s.%zu", p, i);
            return reject(c, PR_VERDICT_WRONG_TYPE, q, "expected a string");
        }
        if (out->n < PR_VERDICT_ITEMS_MAX)
            copy_text(out->item[out->n++], PR_VERDICT_ITEM_MAX, json_string_value(it));
    }
    return PR_OK;
}

/* ---- per-question validators ---------------------------------------------- */
static int v_confirm(json_t *o, pr_verdict_confirm *v, vctx *c) {
    static const char *const keys[] = {"action", "confidence", "reasons", NULL};
    int a = 0, rc;
    if ((rc = label(o, "action", "", k_actions, PR_LLM_ACTION_COUNT, &a, c))) return rc;
    if ((rc = number(o, "confidence", "", 0, 1, &v->confidence, c))) return rc;
    if ((rc = list(o, "reasons", "", &v->reasons, c))) return rc;
    v->action = (pr_llm_action)a;
    return only_keys(o, keys, "", c);
}

static int v_direction(json_t *o, pr_verdict_direction *v, vctx *c) {
    static const char *const keys[] = {"direction", "confidence", "reasoning", "key_factors", NULL};
    int d = 0, rc;
    if ((rc = label(o, "direction", "", k_dirs, PR_LLM_DIR_COUNT, &d, c))) return rc;
    if ((rc = number(o, "confidence", "", 0, 1, &v->confidence, c))) return rc;
    if ((rc = text(o, "reasoning", "", v->reasoning, sizeof v->reasoning, c))) return rc;
    if ((rc = list(o, "key_factors", "", &v->key_factors, c))) return rc;
    v->direction = (pr_llm_direction)d;
    return only_keys(o, keys, "", c);
}

static int v_mtf(json_t *o, pr_verdict_mtf *v, vctx *c) {
    static const char *const keys[] = {"timeframes", "reasoning", NULL};
    static const char *const tf_keys[] = {"direction", "confidence", "patterns", NULL};
    json_t *tfs;
    int rc;
    if ((rc = field(o, "timeframes", "", &tfs, c))) return rc;
    if (!json_is_object(tfs)) return reject(c, PR_VERDICT_WRONG_TYPE, "timeframes", "expected an object");
    for (int i = 0; i < PR_MTF_COUNT; i++) {
        json_t *t;
        if ((rc = field(tfs, k_mtf[i], "timeframes", &t, c))) return rc;
        char p[48];
        snprintf(p, sizeof p, "timeframes.%s", k_mtf[i]);
        if (!json_is_object(t)) return reject(c, PR_VERDICT_WRONG_TYPE, p, "expected an object");
        int d = 0;
        if ((rc = label(t, "direction", p, k_dirs, PR_LLM_DIR_COUNT, &d, c))) return rc;
        if ((rc = number(t, "confidence", p, 0, 1, &v->tf[i].confidence, c))) return rc;
        if ((rc = list(t, "patterns", p, &v->tf[i].patterns, c))) return rc;
        if ((rc = only_keys(t, tf_keys, p, c))) return rc;
        v->tf[i].direction = (pr_llm_direction)d;
    }
    static const char *const tf_names[] = {"1h", "4h", "1d", "1w", NULL};
    if ((rc = only_keys(tfs, tf_names, "timeframes", c))) return rc;
    if ((rc = text(o, "reasoning", "", v->reasoning, sizeof v->reasoning, c))) return rc;
    return only_keys(o, keys, "", c);
}

static int v_regime(json_t *o, pr_verdict_regime *v, vctx *c) {
    static const char *const keys[] = {"regime", "probabilities", "reasoning", NULL};
    int r = 0, rc;
    if ((rc = label(o, "regime", "", k_regimes, PR_REGIME_COUNT, &r, c))) return rc;
    json_t *probs;
    if ((rc = field(o, "probabilities", "", &probs, c))) return rc;
    if (!json_is_object(probs))
        return reject(c, PR_VERDICT_WRONG_TYPE, "probabilities", "expected an object");
    double sum = 0, best = -1;
    for (int i = 0; i < PR_REGIME_COUNT; i++) {
        if ((rc = number(probs, k_regimes[i], "probabilities", 0, 1, &v->prob[i], c))) return rc;
        sum += v->prob[i];
        if (v->prob[i] > best) best = v->prob[i];
    }
    static const char *const regime_keys[] = {"strong_bull", "weak_bull", "bull_range",
                                              "bear_range", "weak_bear", "strong_bear",
                                              "high_vol_expansion", "low_vol_compression", NULL};
    if ((rc = only_keys(probs, regime_keys, "probabilities", c))) return rc;
    if (fabs(sum - 1.0) > PR_REGIME_PROB_TOLERANCE)
        return reject(c, PR_VERDICT_INCONSISTENT, "probabilities",
                      "probabilities sum to %.6g, expected 1 +- %g", sum, PR_REGIME_PROB_TOLERANCE);
    if (v->prob[r] < best)
        return reject(c, PR_VERDICT_INCONSISTENT, "regime",
                      "\"%s\" has probability %.6g but another regime has %.6g", k_regimes[r],
                      v->prob[r], best);
    if ((rc = text(o, "reasoning", "", v->reasoning, sizeof v->reasoning, c))) return rc;
    v->regime = (pr_regime)r;
    return only_keys(o, keys, "", c);
}

static int v_levels(json_t *o, pr_verdict_levels *v, vctx *c) {
    static const char *const keys[] = {"levels", "reasoning", NULL};
    static const char *const lvl_keys[] = {"kind", "price", "strength", "touches", NULL};
    json_t *arr;
    int rc;
    if ((rc = field(o, "levels", "", &arr, c))) return rc;
    if (!json_is_array(arr)) return reject(c, PR_VERDICT_WRONG_TYPE, "levels", "expected an array");
    size_t n = json_array_size(arr);
    if (n < 1 || n > PR_VERDICT_LEVELS_MAX)
        return reject(c, PR_VERDICT_OUT_OF_RANGE, "levels", "%zu entries, expected 1 to %d", n,
                      PR_VERDICT_LEVELS_MAX);
    v->n = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *l = json_array_get(arr, i);
        char p[32];
        snprintf(p, sizeof p, "levels.%zu", i);
        if (!json_is_object(l)) return reject(c, PR_VERDICT_WRONG_TYPE, p, "expected an object");
        pr_level *lv = &v->level[v->n];
        int k = 0;
        double touches = 0;
        if ((rc = label(l, "kind", p, k_levels, PR_LEVEL_KIND_COUNT, &k, c))) return rc;
        if ((rc = number(l, "price", p, 0, HUGE_VAL, &lv->price, c))) return rc;
        if (lv->price <= 0) {
            char q[48];
            snprintf(q, sizeof q, "%s.price", p);
            return reject(c, PR_VERDICT_OUT_OF_RANGE, q, "%.17g is not a positive price", lv->price);
        }
        if ((rc = number(l, "strength", p, 0, 1, &lv->strength, c))) return rc;
        if ((rc = number(l, "touches", p, 0, 100000, &touches, c))) return rc;
        if (touches != floor(touches)) {
            char q[48];
            snprintf(q, sizeof q, "%s.touches", p);
            return reject(c, PR_VERDICT_WRONG_TYPE, q, "expected a whole number");
        }
        if ((rc = only_keys(l, lvl_keys, p, c))) return rc;
        lv->kind = (pr_level_kind)k;
        lv->touches = (int)touches;
        v->n++;
    }
    if ((rc = text(o, "reasoning", "", v->reasoning, sizeof v->reasoning, c))) return rc;
    return only_keys(o, keys, "", c);
}

int pr_verdict_parse(pr_llm_question q, const char *txt, size_t len, pr_verdict *out,
                     pr_verdict_reject *why, pr_err *err) {
    vctx c = {PR_VERDICT_OK, err};
    if (why) *why = PR_VERDICT_OK;
    if (!out || (unsigned)q >= PR_LLM_Q_COUNT) return pr_err_set(err, PR_EINVAL, "pr_verdict_parse: bad argument");
    const char *s = txt ? txt : "";
    size_t n = txt ? len : 0;
    int rc = locate(&s, &n, &c);
    json_t *j = NULL;
    if (!rc) rc = load(s, n, &j, &c);
    if (!rc) {
        pr_verdict v;
        memset(&v, 0, sizeof v);
        v.question = q;
        switch (q) {
        case PR_LLM_Q_CONFIRM: rc = v_confirm(j, &v.u.confirm, &c); break;
        case PR_LLM_Q_DIRECTION: rc = v_direction(j, &v.u.direction, &c); break;
        case PR_LLM_Q_MTF: rc = v_mtf(j, &v.u.mtf, &c); break;
        case PR_LLM_Q_REGIME: rc = v_regime(j, &v.u.regime, &c); break;
        default: rc = v_levels(j, &v.u.levels, &c); break;
        }
        if (!rc) *out = v;
    }
    json_decref(j);
    if (why) *why = c.why;
    return rc;
}

/* ---- serialisation ---------------------------------------------------------- */
static json_t *jlist(const pr_verdict_list *l) {
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++) json_array_append_new(a, json_string(l->item[i]));
    return a;
}

/* Invalid UTF-8 cannot come from a parsed verdict; a hand-built one falls
 * back to an empty string rather than dropping the key. */
static json_t *jstr(const char *s) {
    json_t *j = json_string(s);
    return j ? j : json_string("");
}

char *pr_verdict_to_json(const pr_verdict *v) {
    if (!v) return NULL;
    json_t *o = json_object();
    switch (v->question) {
    case PR_LLM_Q_CONFIRM:
        json_object_set_new(o, "action", json_string(pr_llm_action_name(v->u.confirm.action)));
        json_object_set_new(o, "confidence", json_real(v->u.confirm.confidence));
        json_object_set_new(o, "reasons", jlist(&v->u.confirm.reasons));
        break;
    case PR_LLM_Q_DIRECTION:
        json_object_set_new(o, "direction", json_string(pr_llm_direction_name(v->u.direction.direction)));
        json_object_set_new(o, "confidence", json_real(v->u.direction.confidence));
        json_object_set_new(o, "reasoning", jstr(v->u.direction.reasoning));
        json_object_set_new(o, "key_factors", jlist(&v->u.direction.key_factors));
        break;
    case PR_LLM_Q_MTF: {
        json_t *tfs = json_object();
        for (int i = 0; i < PR_MTF_COUNT; i++) {
            json_t *t = json_object();
            json_object_set_new(t, "direction", json_string(pr_llm_direction_name(v->u.mtf.tf[i].direction)));
            json_object_set_new(t, "confidence", json_real(v->u.mtf.tf[i].confidence));
            json_object_set_new(t, "patterns", jlist(&v->u.mtf.tf[i].patterns));
            json_object_set_new(tfs, k_mtf[i], t);
        }
        json_object_set_new(o, "timeframes", tfs);
        json_object_set_new(o, "reasoning", jstr(v->u.mtf.reasoning));
        break;
    }
    case PR_LLM_Q_REGIME: {
        json_object_set_new(o, "regime", json_string(pr_regime_name(v->u.regime.regime)));
        json_t *p = json_object();
        for (int i = 0; i < PR_REGIME_COUNT; i++)
            json_object_set_new(p, k_regimes[i], json_real(v->u.regime.prob[i]));
        json_object_set_new(o, "probabilities", p);
        json_object_set_new(o, "reasoning", jstr(v->u.regime.reasoning));
        break;
    }
    case PR_LLM_Q_LEVELS: {
        json_t *a = json_array();
        for (size_t i = 0; i < v->u.levels.n; i++) {
            const pr_level *l = &v->u.levels.level[i];
            json_t *e = json_object();
            json_object_set_new(e, "kind", json_string(pr_level_kind_name(l->kind)));
            json_object_set_new(e, "price", json_real(l->price));
            json_object_set_new(e, "strength", json_real(l->strength));
            json_object_set_new(e, "touches", json_integer(l->touches));
            json_array_append_new(a, e);
        }
        json_object_set_new(o, "levels", a);
        json_object_set_new(o, "reasoning", jstr(v->u.levels.reasoning));
        break;
    }
    default:
        json_decref(o);
        return NULL;
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(o);
    return s;
}
