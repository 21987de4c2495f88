/* The LLM confirmation stage: gating and scaling candidate entries by the
 * providers' consensus, falling back to TA-only while the AI is unavailable
 * (logged once per episode), JSON-line logging of every decision, loading
 * its configuration, and the adapter to the engine's confirmation stage. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai_internal.h"
#include "proratio/engine.h"

struct pr_llm_stage {
    pr_llm_stage_config cfg;
    pr_llm *llm[PR_LLM_STAGE_MAX_PROVIDERS];
    size_t n;
    pr_llm_cache *cache;
    pr_prompt_template *tpl;
    pr_prompt_template *tpl_levels;   /* cfg.ask_levels: the levels question */
    pr_log *log;
    int down;                 /* in an unavailable episode */
    int gate_on;              /* gate_only: the stage it mirrors would be enabled */
    pr_llm_stage_stats stats;
    int64_t asked_from, asked_to;   /* decisions put to the providers */
    pr_llm_miss *miss;        /* replay misses */
    size_t n_miss, cap_miss;
};

void pr_llm_stage_config_default(pr_llm_stage_config *c) {
    memset(c, 0, sizeof *c);
    c->question = PR_LLM_Q_CONFIRM;
    pr_strlcpy(c->prompts_dir, "prompts", sizeof c->prompts_dir);
    pr_strlcpy(c->template_version, "v1", sizeof c->template_version);
    c->ta_threshold = 0.6;
    pr_consensus_config_default(&c->consensus);
    c->mode = PR_LLM_MODE_LIVE;
    pr_llm_snapshot_opts_default(&c->snapshot);
    c->snapshot.anonymise = 1;
}

/* ---- configuration ------------------------------------------------------------ */
int pr_llm_stage_config_load(const pr_config *cfg, const char *path, pr_llm_stage_config *out,
                             pr_llm_config *providers, size_t *n_providers, pr_err *err) {
    static const char *const keys[] = {"providers", "prices", "mode", "prompts_dir", "template_version",
                                       "question", "ta_threshold", "below_threshold", "consensus", "budget",
                                       "run_id", "prompt_mode", "levels", NULL};
    static const char *const modes[] = {"live", "record", "replay", NULL};
    static const char *const questions[] = {"confirm", "direction", "mtf", "regime", NULL};
    static const char *const below[] = {"veto", "pass", NULL};
    static const char *const rules[] = {"weighted", "unanimous", NULL};
    static const char *const prompt_modes[] = {"anonymised", "anonymized", "plain", NULL};
    if (!out || !providers || !n_providers || !path) return pr_err_set(err, PR_EINVAL, "ai config: NULL argument");
    pr_llm_stage_config_default(out);
    *n_providers = 0;
    char p[160];
    int rc, idx;
#define PATH(k) pr_config_key(p, sizeof p, path, k)
    if (*path && (rc = pr_config_check_keys(cfg, path, keys, err))) return rc;
    if ((rc = pr_config_enum(cfg, PATH("mode"), "live", modes, &idx, err))) return rc;
    out->mode = (pr_llm_mode)idx;
    if ((rc = pr_config_enum(cfg, PATH("question"), "confirm", questions, &idx, err))) return rc;
    out->question = (pr_llm_question)idx;
    if ((rc = pr_config_enum(cfg, PATH("below_threshold"), "veto", below, &idx, err))) return rc;
    out->below_threshold_pass = idx;
    if ((rc = pr_config_enum(cfg, PATH("prompt_mode"), "anonymised", prompt_modes, &idx, err))) return rc;
    out->snapshot.anonymise = idx != 2;
    if ((rc = pr_config_string(cfg, PATH("prompts_dir"), "prompts", out->prompts_dir, sizeof out->prompts_dir, err)) ||
        (rc = pr_config_string(cfg, PATH("template_version"), "v1", out->template_version,
                               sizeof out->template_version, err)) ||
        (rc = pr_config_string(cfg, PATH("run_id"), "", out->run_id, sizeof out->run_id, err)) ||
        (rc = pr_config_number(cfg, PATH("ta_threshold"), 0.6, 0, 1, 0, &out->ta_threshold, err)) ||
        (rc = pr_config_bool(cfg, PATH("levels"), 0, &out->ask_levels, err)))
        return rc;
    static const char *const ckeys[] = {"rule", "threshold", "require_all", "reduce_factor", NULL};
    if (pr_config_has(cfg, PATH("consensus")) && (rc = pr_config_check_keys(cfg, p, ckeys, err))) return rc;
    if ((rc = pr_config_enum(cfg, PATH("consensus.rule"), "weighted", rules, &idx, err))) return rc;
    out->consensus.rule = (pr_consensus_rule)idx;
    if ((rc = pr_config_number(cfg, PATH("consensus.threshold"), 0.6, 0, 1, 1, &out->consensus.threshold, err)) ||
        (rc = pr_config_number(cfg, PATH("consensus.reduce_factor"), 0.5, 0, 1, 0, &out->consensus.reduce_factor, err)) ||
        (rc = pr_config_bool(cfg, PATH("consensus.require_all"), 0, &out->consensus.require_all, err)))
        return rc;
    if (!(out->consensus.reduce_factor > 0)) {
        PATH("consensus.reduce_factor");
        pr_err_at(err, NULL, 0, 0, p);
        return pr_err_set(err, PR_EINVAL, "%s: expected a number in (0,1]", p);
    }
    static const char *const bkeys[] = {"max_calls_run", "max_cost_run", "max_calls_day", "max_cost_day", NULL};
    if (pr_config_has(cfg, PATH("budget")) && (rc = pr_config_check_keys(cfg, p, bkeys, err))) return rc;
    if ((rc = pr_config_int(cfg, PATH("budget.max_calls_run"), 0, 0, 1000000000L, &out->budget.max_calls_run, err)) ||
        (rc = pr_config_int(cfg, PATH("budget.max_calls_day"), 0, 0, 1000000000L, &out->budget.max_calls_day, err)) ||
        (rc = pr_config_number(cfg, PATH("budget.max_cost_run"), 0, 0, 1e9, 0, &out->budget.max_cost_run, err)) ||
        (rc = pr_config_number(cfg, PATH("budget.max_cost_day"), 0, 0, 1e9, 0, &out->budget.max_cost_day, err)))
        return rc;
    size_t np = 0, nprice = 0;
    if ((rc = pr_config_array_len(cfg, PATH("providers"), &np, err))) return rc;
    if (np > PR_LLM_STAGE_MAX_PROVIDERS) {
        pr_err_at(err, NULL, 0, 0, p);
        return pr_err_set(err, PR_EINVAL, "%s: at most %d providers", p, PR_LLM_STAGE_MAX_PROVIDERS);
    }
    for (size_t i = 0; i < np; i++) {
        char q[96];
        snprintf(q, sizeof q, "%s%sproviders.%zu", path, *path ? "." : "", i);
        if ((rc = pr_llm_config_load(cfg, q, &providers[i], err))) return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(providers[j].name, providers[i].name) == 0) {
                pr_err_at(err, NULL, 0, 0, q);
                return pr_err_set(err, PR_EINVAL, "%s.name: '%s' is used twice (names key the cache)", q,
                                  providers[i].name);
            }
    }
    if ((rc = pr_config_array_len(cfg, PATH("prices"), &nprice, err))) return rc;
    static const char *const pkeys[] = {"model", "input", "output", NULL};
    for (size_t k = 0; k < nprice; k++) {
        char q[96], model[128];
        double in, outp;
        snprintf(q, sizeof q, "%s%sprices.%zu", path, *path ? "." : "", k);
        if ((rc = pr_config_check_keys(cfg, q, pkeys, err))) return rc;
        char m[112], a[112], b[112];
        snprintf(m, sizeof m, "%s.model", q);
        snprintf(a, sizeof a, "%s.input", q);
        snprintf(b, sizeof b, "%s.output", q);
        if ((rc = pr_config_string(cfg, m, "", model, sizeof model, err)) ||
            (rc = pr_config_number(cfg, a, 0, 0, 1e6, 0, &in, err)) ||
            (rc = pr_config_number(cfg, b, 0, 0, 1e6, 0, &outp, err)))
            return rc;
        for (size_t i = 0; i < np; i++)
            if (strcmp(providers[i].model, model) == 0 && providers[i].price_in == 0 && providers[i].price_out == 0) {
                providers[i].price_in = in;
                providers[i].price_out = outp;
            }
    }
#undef PATH
    *n_providers = np;
    return PR_OK;
}

/* ---- creation ------------------------------------------------------------------- */
int pr_llm_stage_new(const pr_llm_stage_config *c, const pr_llm_config *providers, size_t n_providers,
                     pr_store *store, pr_log *log, const pr_llm_hooks *hooks, pr_llm_stage **out, pr_err *err) {
    if (!c || !out || (n_providers && !providers)) return pr_err_set(err, PR_EINVAL, "llm stage: NULL argument");
    *out = NULL;
    if (n_providers > PR_LLM_STAGE_MAX_PROVIDERS)
        return pr_err_set(err, PR_EINVAL, "llm stage: at most %d providers", PR_LLM_STAGE_MAX_PROVIDERS);
    if (c->question == PR_LLM_Q_LEVELS || (unsigned)c->question >= PR_LLM_Q_COUNT)
        return pr_err_set(err, PR_EINVAL, "llm stage: question '%s' cannot confirm a trade",
                          pr_llm_question_name(c->question));
    pr_llm_stage *st = calloc(1, sizeof *st);
    if (!st) return pr_err_set(err, PR_ENOMEM, "llm stage: out of memory");
    st->cfg = *c;
    st->log = log;
    st->asked_from = st->asked_to = PR_TIME_NONE;
    if (c->gate_only) {
        /* Mirror the real stage: with no usable provider it is disabled and
         * passes everything, so the gate must too. */
        for (size_t i = 0; i < n_providers; i++) {
            const char *k = providers[i].key_env[0] ? getenv(providers[i].key_env) : "";
            if (c->mode == PR_LLM_MODE_REPLAY || !providers[i].key_env[0] || (k && *k)) st->gate_on = 1;
        }
        *out = st;
        return PR_OK;
    }
    char missing[256] = "";
    for (size_t i = 0; i < n_providers; i++) {
        pr_err e;
        pr_err_clear(&e);
        int rc = pr_llm_new_for_mode(&providers[i], c->mode, hooks, &st->llm[st->n], &e);
        if (rc == PR_ENOTFOUND) {
            pr_logf(log, PR_LOG_WARN, "ai", "provider %s skipped: %s", providers[i].name, e.msg);
            size_t m = strlen(missing);
            if (!strstr(missing, providers[i].key_env))
                snprintf(missing + m, sizeof missing - m, "%s%s", m ? ", " : "", providers[i].key_env);
            continue;
        }
        if (rc) {
            if (err) *err = e;
            pr_llm_stage_free(st);
            return rc;
        }
        st->n++;
    }
    if (st->n == 0) {
        char fields[400];
        snprintf(fields, sizeof fields, "{\"reason\":\"no provider has an API key\",\"set\":\"%s\"}",
                 missing[0] ? missing : "an ai.providers entry");
        pr_log_event(log, PR_LOG_WARN, "ai", "ai_disabled", fields);
        *out = st;
        return PR_OK;
    }
    int rc = pr_llm_cache_new(store, c->mode, &c->budget, c->run_id, hooks, &st->cache, err);
    if (!rc) rc = pr_prompt_template_load(c->prompts_dir, c->question, c->template_version, &st->tpl, err);
    if (!rc && c->ask_levels)
        rc = pr_prompt_template_load(c->prompts_dir, PR_LLM_Q_LEVELS, c->template_version, &st->tpl_levels, err);
    if (rc) {
        pr_llm_stage_free(st);
        return rc;
    }
    *out = st;
    return PR_OK;
}

void pr_llm_stage_free(pr_llm_stage *st) {
    if (!st) return;
    for (size_t i = 0; i < st->n; i++) pr_llm_free(st->llm[i]);
    pr_llm_cache_free(st->cache);
    pr_prompt_template_free(st->tpl);
    pr_prompt_template_free(st->tpl_levels);
    free(st->miss);
    free(st);
}

int pr_llm_stage_enabled(const pr_llm_stage *st) { return st && st->n > 0; }
int pr_llm_stage_anonymised(const pr_llm_stage *st) { return st && st->cfg.snapshot.anonymise; }
size_t pr_llm_stage_n_misses(const pr_llm_stage *st) { return st ? st->n_miss : 0; }
const pr_llm_miss *pr_llm_stage_miss(const pr_llm_stage *st, size_t i) {
    return st && i < st->n_miss ? &st->miss[i] : NULL;
}

int pr_llm_stage_contaminated(const pr_llm_stage *st, char *why, size_t cap) {
    if (why && cap) why[0] = '\0';
    int any = 0;
    for (size_t i = 0; st && i < st->n; i++) {
        char line[400];
        if (!pr_llm_contaminated(pr_llm_get_config(st->llm[i]), st->cfg.snapshot.anonymise, st->asked_from,
                                 st->asked_to, line, sizeof line))
            continue;
        if (why && cap) {
            size_t k = strlen(why);
            snprintf(why + k, cap - k, "%s%s", any ? "; " : "", line);
        }
        any = 1;
    }
    return any;
}
size_t pr_llm_stage_n_providers(const pr_llm_stage *st) { return st ? st->n : 0; }
pr_llm *pr_llm_stage_provider(pr_llm_stage *st, size_t i) { return st && i < st->n ? st->llm[i] : NULL; }

int pr_llm_stage_down(const pr_llm_stage *st) { return st ? st->down : 0; }

void pr_llm_stage_get_stats(const pr_llm_stage *st, pr_llm_stage_stats *out) {
    if (!st || !out) return;
    *out = st->stats;
    if (st->cache) pr_llm_cache_get_stats(st->cache, &out->cache);
}

/* ---- logging ------------------------------------------------------------------------ */
static void log_json(pr_llm_stage *st, pr_log_level lv, const char *event, json_t *fields) {
    char *s = json_dumps(fields, JSON_COMPACT | JSON_REAL_PRECISION(10));
    if (s) pr_log_event(st->log, lv, "ai", event, s);
    free(s);
    json_decref(fields);
}

static json_t *jtext(const char *s) {
    json_t *j = json_string(s);
    return j ? j : json_string("?");
}

static json_t *votes_json(const pr_llm_decision *d, int with_reasons) {
    json_t *a = json_array();
    for (size_t i = 0; i < d->n_votes; i++) {
        const pr_llm_vote_info *v = &d->votes[i];
        json_t *o = json_object();
        json_object_set_new(o, "provider", jtext(v->provider));
        if (v->vote.answered) {
            json_object_set_new(o, "action", json_string(pr_llm_action_name(v->vote.action)));
            json_object_set_new(o, "confidence", json_real(v->vote.confidence));
        } else {
            json_object_set_new(o, "fail", json_string(pr_llm_fail_name(v->fail)));
            if (v->fail == PR_LLM_FAIL_VERDICT)
                json_object_set_new(o, "reject", json_string(pr_verdict_reject_name(v->reject)));
            if (with_reasons) json_object_set_new(o, "reason", jtext(v->reason));
        }
        json_object_set_new(o, "weight", json_real(v->vote.weight));
        json_object_set_new(o, "cached", json_boolean(v->cached));
        json_array_append_new(a, o);
    }
    return a;
}

static void log_decision(pr_llm_stage *st, const pr_llm_snapshot *s, const pr_llm_decision *d) {
    if (!st->log) return;
    char t[PR_TIME_STR_MAX];
    pr_time_format_iso(s->decision_ts, t, sizeof t);
    json_t *o = json_object();
    json_object_set_new(o, "decision_ts", json_string(t));
    json_object_set_new(o, "symbol", jtext(s->symbol));
    json_object_set_new(o, "side", json_string(s->cand.side > 0 ? "long" : (s->cand.side < 0 ? "short" : "none")));
    json_object_set_new(o, "question", json_string(pr_llm_question_name(st->cfg.question)));
    if (isfinite(s->ta_score)) json_object_set_new(o, "ta_score", json_real(s->ta_score));
    json_object_set_new(o, "candidate", json_boolean(d->candidate));
    json_object_set_new(o, "asked", json_boolean(d->asked));
    json_object_set_new(o, "fallback", json_boolean(d->fallback));
    json_object_set_new(o, "keep", json_boolean(d->keep));
    json_object_set_new(o, "size", json_real(d->size));
    json_object_set_new(o, "why", jtext(d->why));
    if (d->asked) {
        json_object_set_new(o, "template", jtext(d->template_id));
        json_object_set_new(o, "prompt_hash", jtext(d->prompt_hash));
        json_object_set_new(o, "rule", json_string(pr_consensus_rule_name(st->cfg.consensus.rule)));
        json_object_set_new(o, "agreement", json_real(d->consensus.agreement));
        json_object_set_new(o, "votes", votes_json(d, 0));
    }
    log_json(st, PR_LOG_INFO, "ai_decision", o);
}

void pr_llm_stage_log_summary(pr_llm_stage *st) {
    if (!st || !st->log) return;
    pr_llm_stage_stats s;
    pr_llm_stage_get_stats(st, &s);
    json_t *o = json_pack("{s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f}", "enabled", st->n > 0, "signals",
                          (json_int_t)s.signals, "candidates", (json_int_t)s.candidates, "below_threshold",
                          (json_int_t)s.below_threshold, "approved", (json_int_t)s.approved, "reduced",
                          (json_int_t)s.reduced, "vetoed", (json_int_t)s.vetoed, "fallbacks", (json_int_t)s.fallbacks,
                          "episodes", (json_int_t)s.episodes, "llm_calls", (json_int_t)s.cache.calls, "cache_hits",
                          (json_int_t)s.cache.hits, "cache_misses", (json_int_t)s.cache.misses, "budget_refusals",
                          (json_int_t)s.cache.budget_refusals, "cost_usd", s.cache.cost);
    if (!o) return;
    json_object_set_new(o, "threshold_vetoed", json_integer((json_int_t)s.threshold_vetoed));
    json_object_set_new(o, "replay_misses", json_integer((json_int_t)s.replay_misses));
    json_object_set_new(o, "prompts", json_string(st->cfg.snapshot.anonymise ? "anonymised" : "plain"));
    char why[1024];
    int bad = pr_llm_stage_contaminated(st, why, sizeof why);
    json_object_set_new(o, "contaminated", json_boolean(bad));
    if (bad) json_object_set_new(o, "contamination", jtext(why));
    log_json(st, PR_LOG_INFO, "ai_summary", o);
}

/* ---- the decision -------------------------------------------------------------------- */
static void pass(pr_llm_decision *d, int fallback, const char *why) {
    d->keep = 1;
    d->size = 1;
    d->fallback = fallback;
    d->why = why;
}

/* The ta_threshold rule, applied before any model is asked: counted apart
 * from the models' decisions so an A/B comparison can tell them apart. */
static void below_threshold(pr_llm_stage *st, pr_llm_decision *out) {
    st->stats.below_threshold++;
    if (st->cfg.below_threshold_pass) pass(out, 0, "TA score below the threshold: passed without asking");
    else if (st->down) {
        pass(out, 1, "TA score below the threshold while AI is unavailable: TA-only");
        st->stats.fallbacks++;
    } else {
        out->keep = 0;
        out->size = 0;
        out->why = "TA score below the threshold: vetoed without asking a model";
        st->stats.threshold_vetoed++;
    }
}

static void note_miss(pr_llm_stage *st, const pr_llm_snapshot *s, const pr_llm_decision *d, const char *provider) {
    st->stats.replay_misses++;
    if (st->n_miss == st->cap_miss) {
        size_t cap = st->cap_miss ? 2 * st->cap_miss : 16;
        pr_llm_miss *m = realloc(st->miss, cap * sizeof *m);
        if (!m) return; /* counted, not listed */
        st->miss = m;
        st->cap_miss = cap;
    }
    pr_llm_miss *m = &st->miss[st->n_miss++];
    m->decision_ts = s->decision_ts;
    pr_strlcpy(m->provider, provider, sizeof m->provider);
    pr_strlcpy(m->template_id, d->template_id, sizeof m->template_id);
    pr_strlcpy(m->prompt_hash, d->prompt_hash, sizeof m->prompt_hash);
    if (!st->log) return;
    char t[PR_TIME_STR_MAX];
    pr_time_format_iso(s->decision_ts, t, sizeof t);
    json_t *o = json_object();
    json_object_set_new(o, "decision_ts", json_string(t));
    json_object_set_new(o, "provider", jtext(provider));
    json_object_set_new(o, "template", jtext(d->template_id));
    json_object_set_new(o, "prompt_hash", jtext(d->prompt_hash));
    log_json(st, PR_LOG_WARN, "ai_replay_miss", o);
}

int pr_llm_confirm(pr_llm_stage *st, const pr_llm_context *ctx, pr_llm_decision *out, pr_err *err) {
    if (!st || !ctx || !ctx->snapshot || !out) return pr_err_set(err, PR_EINVAL, "llm confirm: NULL argument");
    const pr_llm_snapshot *s = ctx->snapshot;
    memset(out, 0, sizeof *out);
    st->stats.signals++;
    if (s->cand.side != 1 && s->cand.side != -1) {
        pass(out, 0, "not an entry");
        return PR_OK;
    }
    if (st->cfg.gate_only) {
        if (!st->gate_on) pass(out, 1, "AI stage disabled (no provider key): TA-only");
        else if (!(s->ta_score >= st->cfg.ta_threshold)) below_threshold(st, out);
        else {
            out->candidate = 1;
            st->stats.candidates++;
            pass(out, 0, "TA score at or above the threshold: passed (threshold rule only, no model asked)");
        }
        log_decision(st, s, out);
        return PR_OK;
    }
    if (st->n == 0) {
        pass(out, 1, "AI stage disabled (no provider key): TA-only");
        st->stats.fallbacks++;
        log_decision(st, s, out);
        return PR_OK;
    }
    if (!(s->ta_score >= st->cfg.ta_threshold)) {
        below_threshold(st, out);
        log_decision(st, s, out);
        return PR_OK;
    }
    out->candidate = 1;
    st->stats.candidates++;
    pr_llm_prompt p;
    int rc;
    /* The stage's prompt mode holds whoever built the snapshot. */
    if (s->anonymised != st->cfg.snapshot.anonymise) {
        pr_llm_snapshot *copy = malloc(sizeof *copy);
        if (!copy) return pr_err_set(err, PR_ENOMEM, "llm confirm: out of memory");
        *copy = *s;
        copy->anonymised = st->cfg.snapshot.anonymise;
        rc = pr_prompt_fill_snapshot(st->tpl, copy, &p, err);
        free(copy);
    } else {
        rc = pr_prompt_fill_snapshot(st->tpl, s, &p, err);
    }
    if (rc) return rc;
    pr_strlcpy(out->template_id, p.template_id, sizeof out->template_id);
    pr_strlcpy(out->prompt_hash, p.hash, sizeof out->prompt_hash);
    out->asked = 1;
    if (st->asked_from == PR_TIME_NONE || s->decision_ts < st->asked_from) st->asked_from = s->decision_ts;
    if (st->asked_to == PR_TIME_NONE || s->decision_ts > st->asked_to) st->asked_to = s->decision_ts;
    pr_vote votes[PR_LLM_STAGE_MAX_PROVIDERS];
    for (size_t i = 0; i < st->n; i++) {
        pr_llm_vote_info *vi = &out->votes[i];
        const pr_llm_config *pc = pr_llm_get_config(st->llm[i]);
        pr_strlcpy(vi->provider, pc->name, sizeof vi->provider);
        pr_llm_result r;
        pr_err e;
        pr_err_clear(&e);
        int arc = pr_llm_cache_ask(st->cache, st->llm[i], &p, s->decision_ts, &r, &e);
        vi->cached = r.cached;
        vi->fail = r.fail;
        vi->reject = r.reject;
        memset(&vi->vote, 0, sizeof vi->vote);
        vi->vote.weight = pc->weight;
        if (arc == PR_OK && r.fail == PR_LLM_OK) {
            pr_err ve;
            if (pr_verdict_to_vote(&r.verdict, s->cand.side, pc->weight, &vi->vote, &ve)) vi->vote.answered = 0;
            vi->mtf_known = pr_verdict_mtf_align(&r.verdict, s->cand.side, &vi->mtf_align);
        } else {
            if (arc == PR_EDB && r.fail == PR_LLM_OK) vi->fail = PR_LLM_FAIL_TRANSPORT;
            pr_strlcpy(vi->reason, arc == PR_EDB ? e.msg : (r.reason[0] ? r.reason : e.msg), sizeof vi->reason);
            if (r.fail == PR_LLM_FAIL_CACHE_MISS && st->cfg.mode == PR_LLM_MODE_REPLAY) note_miss(st, s, out, pc->name);
        }
        votes[i] = vi->vote;
        pr_llm_result_free(&r);
    }
    out->n_votes = st->n;
    pr_llm_prompt_free(&p);
    if ((rc = pr_consensus_decide(&st->cfg.consensus, votes, st->n, &out->consensus, err))) return rc;
    if (!out->consensus.available) {
        pass(out, 1, "AI unavailable: TA-only");
        st->stats.fallbacks++;
        if (!st->down) {
            st->down = 1;
            st->stats.episodes++;
            json_t *o = json_object();
            char t[PR_TIME_STR_MAX];
            pr_time_format_iso(s->decision_ts, t, sizeof t);
            json_object_set_new(o, "decision_ts", json_string(t));
            json_object_set_new(o, "fallback", json_string("TA-only"));
            json_object_set_new(o, "votes", votes_json(out, 1));
            log_json(st, PR_LOG_WARN, "ai_unavailable", o);
        }
    } else {
        if (st->down) {
            st->down = 0;
            char t[PR_TIME_STR_MAX], f[96];
            pr_time_format_iso(s->decision_ts, t, sizeof t);
            snprintf(f, sizeof f, "{\"decision_ts\":\"%s\"}", t);
            pr_log_event(st->log, PR_LOG_INFO, "ai", "ai_recovered", f);
        }
        out->keep = out->consensus.act;
        out->size = out->consensus.act ? out->consensus.size : 0;
        out->why = out->consensus.why;
        if (!out->keep) st->stats.vetoed++;
        else if (out->size < 1) st->stats.reduced++;
        else st->stats.approved++;
    }
    log_decision(st, s, out);
    return PR_OK;
}

/* ---- engine adapter ------------------------------------------------------------------ */
#define VIEW_BARS_MAX 5000

static double signal_score(const pr_signal *sig) {
    return sig->confidence < 0 ? 0 : (sig->confidence > 1 ? 1 : sig->confidence);
}

/* The threshold rule needs no market snapshot: only the score, the side and
 * the decision time (for the log). */
static int gate_confirm(pr_llm_stage *st, const pr_market_view *v, const pr_signal *sig, size_t len, int *keep,
                        pr_err *err) {
    pr_bar b;
    int rc = pr_view_bar_at(v, sig->instrument, PR_TF_NONE, len - 1, &b);
    if (rc) return pr_err_set(err, rc, "llm stage: the last bar of instrument %d is not visible", sig->instrument);
    pr_llm_snapshot *snap = calloc(1, sizeof *snap);
    pr_llm_decision *d = malloc(sizeof *d);
    if (!snap || !d) rc = pr_err_set(err, PR_ENOMEM, "llm stage: out of memory");
    if (!rc) {
        const pr_instrument *in = pr_view_instrument(v, sig->instrument);
        pr_strlcpy(snap->symbol, in ? in->symbol : "", sizeof snap->symbol);
        snap->tf = pr_view_tf(v, sig->instrument);
        snap->bar_ts = b.ts;
        snap->decision_ts = pr_tf_next(snap->tf, b.ts);
        snap->ta_score = signal_score(sig);
        snap->cand.side = sig->kind == PR_SIG_ENTER_LONG ? 1 : -1;
        pr_llm_context ctx = {snap};
        rc = pr_llm_confirm(st, &ctx, d, err);
        if (!rc) *keep = d->keep;
    }
    free(d);
    free(snap);
    return rc;
}

/* The consensus and the timeframe alignment as the signal's plain fields,
 * for the risk stage's multipliers (it may not include ai headers). */
static void report_verdict(const pr_llm_decision *d, pr_signal *sig) {
    static const pr_signal_verdict k_code[PR_LLM_ACTION_COUNT] = {
        [PR_LLM_APPROVE] = PR_SIG_VERDICT_APPROVE, [PR_LLM_REJECT] = PR_SIG_VERDICT_REJECT,
        [PR_LLM_REDUCE_SIZE] = PR_SIG_VERDICT_REDUCE};
    if (!d->asked || !d->consensus.available) return;
    sig->verdict = k_code[d->consensus.action];
    sig->verdict_confidence = d->consensus.confidence;
    double sum = 0;
    int n = 0;
    for (size_t i = 0; i < d->n_votes; i++)
        if (d->votes[i].vote.answered && d->votes[i].mtf_known) {
            sum += d->votes[i].mtf_align;
            n++;
        }
    if (n) {
        sig->mtf_known = 1;
        sig->mtf_align = sum / n;
    }
}

/* The snapshot of instrument inst's latest `len` visible bars (at most
 * VIEW_BARS_MAX), as the stage's prompts show them: *ser holds the bars
 * (pr_series_free it), *snap is malloc'd (free it; NULL on error). */
static int view_snapshot(pr_llm_stage *st, const pr_market_view *v, int inst, size_t len, pr_series *ser,
                         pr_llm_snapshot **snap, pr_err *err) {
    size_t take = len < VIEW_BARS_MAX ? len : VIEW_BARS_MAX;
    *snap = NULL;
    memset(ser, 0, sizeof *ser);
    int rc = pr_series_init(ser, take);
    if (rc) return pr_err_set(err, rc, "llm stage: out of memory");
    ser->tf = pr_view_tf(v, inst);
    const pr_instrument *in = pr_view_instrument(v, inst);
    pr_strlcpy(ser->symbol, in ? in->symbol : "", sizeof ser->symbol);
    for (size_t i = len - take; i < len && !rc; i++) {
        pr_bar b;
        rc = pr_view_bar_at(v, inst, PR_TF_NONE, i, &b);
        if (rc) rc = pr_err_set(err, rc, "llm stage: bar %zu of instrument %d is not visible", i, inst);
        else rc = pr_series_push(ser, b.ts, b.open, b.high, b.low, b.close, b.volume);
    }
    if (!rc && !(*snap = malloc(sizeof **snap))) rc = pr_err_set(err, PR_ENOMEM, "llm stage: out of memory");
    if (!rc) rc = pr_llm_snapshot_build(ser, ser->len - 1, in ? in->venue : NULL, &st->cfg.snapshot, *snap, err);
    if (rc) {
        free(*snap);
        *snap = NULL;
    }
    return rc;
}

/* The levels question on an entry kept (cfg.ask_levels): each provider's
 * levels, through the cache like every question (a replay gives the same
 * levels), onto the signal in the instrument's prices (an anonymised
 * prompt shows prices x 100 / the oldest close shown: undone here). A
 * provider that fails or answers out of schema adds none: the risk stage
 * then has the detected levels alone. */
static void ask_levels(pr_llm_stage *st, const pr_llm_snapshot *s, pr_signal *sig) {
    pr_llm_prompt p;
    pr_err e;
    pr_err_clear(&e);
    if (!st->tpl_levels || pr_prompt_fill_snapshot(st->tpl_levels, s, &p, &e) != PR_OK) return;
    double scale = s->anonymised ? (s->n_bars && s->close[0] > 0 ? s->close[0] / 100 : 0) : 1;
    for (size_t i = 0; i < st->n && scale > 0; i++) {
        pr_llm_result r;
        int arc = pr_llm_cache_ask(st->cache, st->llm[i], &p, s->decision_ts, &r, &e);
        if (arc == PR_OK && r.fail == PR_LLM_OK && r.verdict.question == PR_LLM_Q_LEVELS)
            for (size_t k = 0; k < r.verdict.u.levels.n && sig->n_llm_levels < PR_SIGNAL_MAX_LEVELS; k++)
                sig->llm_level[sig->n_llm_levels++] = r.verdict.u.levels.level[k].price * scale;
        pr_llm_result_free(&r);
    }
    pr_llm_prompt_free(&p);
}

static int adapter_confirm(void *self, const pr_market_view *v, pr_signal *sig, int *keep, pr_err *err) {
    pr_llm_stage *st = self;
    *keep = 1;
    if (sig->kind != PR_SIG_ENTER_LONG && sig->kind != PR_SIG_ENTER_SHORT) {
        st->stats.signals++;
        return PR_OK;
    }
    int inst = sig->instrument;
    size_t len = pr_view_len(v, inst, PR_TF_NONE);
    if (len == 0) {
        st->stats.signals++;
        return PR_OK;
    }
    if (st->cfg.gate_only) return gate_confirm(st, v, sig, len, keep, err);
    pr_series ser;
    pr_llm_snapshot *snap = NULL;
    int rc = view_snapshot(st, v, inst, len, &ser, &snap, err);
    if (!rc) {
        double score = signal_score(sig);
        pr_snap_item comp = {"strategy_confidence", sig->confidence};
        rc = pr_llm_snapshot_set_score(snap, score, &comp, 1, err);
    }
    if (!rc) {
        pr_snap_candidate *c = &snap->cand;
        c->side = sig->kind == PR_SIG_ENTER_LONG ? 1 : -1;
        c->entry = sig->entry_limit > 0 ? sig->entry_limit : (sig->entry_stop > 0 ? sig->entry_stop : ser.close[ser.len - 1]);
        c->stop = sig->stop;
        c->target = sig->n_targets > 0 ? sig->target_price[0] : 0;
        c->size_hint = sig->size_hint;
        pr_strlcpy(c->strategy, sig->tag, sizeof c->strategy);
        pr_reason_format(&sig->why, c->reason, sizeof c->reason);
        pr_llm_context ctx = {snap};
        pr_llm_decision *d = malloc(sizeof *d);
        if (!d) rc = pr_err_set(err, PR_ENOMEM, "llm stage: out of memory");
        else {
            rc = pr_llm_confirm(st, &ctx, d, err);
            if (!rc) {
                *keep = d->keep;
                if (d->keep && d->size != 1) sig->size_hint = (sig->size_hint > 0 ? sig->size_hint : 1) * d->size;
                report_verdict(d, sig);
                if (d->keep && d->asked && st->cfg.ask_levels) ask_levels(st, snap, sig);
            }
            free(d);
        }
    }
    free(snap);
    pr_series_free(&ser);
    return rc;
}

int pr_llm_stage_regime(pr_llm_stage *st, const pr_market_view *v, int inst, double prob[PR_REGIME_COUNT], int *ok,
                        pr_err *err) {
    *ok = 0;
    size_t len = v ? pr_view_len(v, inst, PR_TF_NONE) : 0;
    if (!st || st->n == 0 || st->cfg.gate_only || st->cfg.question != PR_LLM_Q_REGIME || len == 0) return PR_OK;
    pr_series ser;
    pr_llm_snapshot *snap = NULL;
    pr_llm_prompt p;
    int rc = view_snapshot(st, v, inst, len, &ser, &snap, err);
    if (!rc) rc = pr_prompt_fill_snapshot(st->tpl, snap, &p, err);
    if (!rc) {
        if (st->asked_from == PR_TIME_NONE || snap->decision_ts < st->asked_from) st->asked_from = snap->decision_ts;
        if (st->asked_to == PR_TIME_NONE || snap->decision_ts > st->asked_to) st->asked_to = snap->decision_ts;
        double sum[PR_REGIME_COUNT] = {0}, wsum = 0;
        for (size_t i = 0; i < st->n; i++) {
            pr_llm_result r;
            pr_err e;
            pr_err_clear(&e);
            double w = pr_llm_get_config(st->llm[i])->weight;
            int arc = pr_llm_cache_ask(st->cache, st->llm[i], &p, snap->decision_ts, &r, &e);
            if (arc == PR_OK && r.fail == PR_LLM_OK && r.verdict.question == PR_LLM_Q_REGIME && w > 0) {
                for (int k = 0; k < PR_REGIME_COUNT; k++) sum[k] += w * r.verdict.u.regime.prob[k];
                wsum += w;
            }
            pr_llm_result_free(&r);
        }
        if (wsum > 0) {
            for (int k = 0; k < PR_REGIME_COUNT; k++) prob[k] = sum[k] / wsum;
            *ok = 1;
        }
        pr_llm_prompt_free(&p);
    }
    free(snap);
    pr_series_free(&ser);
    return rc;
}

static void adapter_destroy(void *self) { pr_llm_stage_free(self); }

int pr_llm_stage_as_confirm(pr_llm_stage *st, struct pr_confirm_stage *out, pr_err *err) {
    if (!st || !out) return pr_err_set(err, PR_EINVAL, "llm stage adapter: NULL argument");
    out->name = st->cfg.gate_only ? "ta_threshold" : "llm";
    out->self = st;
    out->confirm = adapter_confirm;
    out->destroy = adapter_destroy;
    return PR_OK;
}
