/* The cache / audit / budget layer in front of a provider: answers from the
 * llm_calls table in record and replay modes, refuses calls over budget,
 * and stores every call that went out (key redacted by pr_llm_call). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ai_internal.h"
#include "proratio/data/store_llm.h"

struct pr_llm_cache {
    pr_store *store;
    pr_llm_mode mode;
    pr_llm_budget budget;
    char run_id[64];
    int64_t (*wall_ms)(void *ctx);
    void *ctx;
    pr_llm_cache_stats stats;
    /* this run's calls per UTC day, used when there is no store */
    int64_t mem_day;
    long mem_day_calls;
    double mem_day_cost;
};

static const char *const k_modes[] = {"live", "record", "replay"};

const char *pr_llm_mode_name(pr_llm_mode m) { return (unsigned)m <= PR_LLM_MODE_REPLAY ? k_modes[m] : "?"; }

int pr_llm_mode_parse(const char *s, pr_llm_mode *out) {
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, k_modes[i]) == 0) {
            *out = (pr_llm_mode)i;
            return PR_OK;
        }
    return PR_EINVAL;
}

static int64_t wall_default(void *ctx) {
    (void)ctx;
    return pr_time_now_ms();
}

int pr_llm_cache_new(pr_store *store, pr_llm_mode mode, const pr_llm_budget *budget, const char *run_id,
                     const pr_llm_hooks *hooks, pr_llm_cache **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "llm cache: NULL argument");
    *out = NULL;
    if ((unsigned)mode > PR_LLM_MODE_REPLAY) return pr_err_set(err, PR_EINVAL, "llm cache: bad mode");
    if (!store && mode != PR_LLM_MODE_LIVE)
        return pr_err_set(err, PR_EINVAL, "llm cache: %s mode needs a store (--db)", pr_llm_mode_name(mode));
    if (budget && (budget->max_calls_run < 0 || budget->max_calls_day < 0 || !(budget->max_cost_run >= 0) ||
                   !(budget->max_cost_day >= 0)))
        return pr_err_set(err, PR_EINVAL, "llm cache: budget limits must be >= 0");
    pr_llm_cache *c = calloc(1, sizeof *c);
    if (!c) return pr_err_set(err, PR_ENOMEM, "llm cache: out of memory");
    c->store = store;
    c->mode = mode;
    if (budget) c->budget = *budget;
    pr_strlcpy(c->run_id, run_id ? run_id : "", sizeof c->run_id);
    c->wall_ms = hooks && hooks->wall_ms ? hooks->wall_ms : wall_default;
    c->ctx = hooks ? hooks->ctx : NULL;
    c->mem_day = PR_TIME_NONE;
    *out = c;
    return PR_OK;
}

void pr_llm_cache_free(pr_llm_cache *c) { free(c); }

/* The transport of a replaying provider: a replay answers from the cache, so
 * reaching the network is a bug; fail instead of sending. */
static int offline_send(void *ctx, const pr_llm_http *rq, const char *key, double timeout_s,
                        pr_llm_http_response *out) {
    (void)ctx, (void)rq, (void)key, (void)timeout_s;
    memset(out, 0, sizeof *out);
    out->transport = PR_LLM_FAIL_TRANSPORT;
    pr_strlcpy(out->error, "replay mode sends nothing", sizeof out->error);
    return PR_OK;
}

int pr_llm_new_for_mode(const pr_llm_config *cfg, pr_llm_mode mode, const pr_llm_hooks *hooks, pr_llm **out,
                        pr_err *err) {
    if (mode != PR_LLM_MODE_REPLAY || !cfg) return pr_llm_new(cfg, hooks, out, err);
    pr_llm_config c = *cfg;
    c.key_env[0] = '\0';
    pr_llm_hooks h;
    if (hooks) h = *hooks;
    else memset(&h, 0, sizeof h);
    h.send = offline_send;
    return pr_llm_new(&c, &h, out, err);
}

pr_llm_mode pr_llm_cache_mode(const pr_llm_cache *c) { return c ? c->mode : PR_LLM_MODE_LIVE; }

void pr_llm_cache_get_stats(const pr_llm_cache *c, pr_llm_cache_stats *out) {
    if (c && out) *out = c->stats;
}

static int fail_with(pr_llm_result *out, pr_llm_fail f, pr_err *err, const char *msg) {
    out->fail = f;
    out->status = pr_llm_fail_status(f);
    pr_strlcpy(out->reason, msg, sizeof out->reason);
    if (err) pr_err_set(err, out->status, "%s", msg);
    return out->status;
}

/* Rebuilds a result from a stored row; successful rows are parsed again. */
static int from_row(pr_llm *l, const pr_llm_prompt *p, const pr_llm_call_record *row, pr_llm_result *out,
                    pr_err *err) {
    const pr_llm_config *cfg = pr_llm_get_config(l);
    out->cached = 1;
    out->http_status = row->http_status;
    out->tokens_in = (long)row->tokens_in;
    out->tokens_out = (long)row->tokens_out;
    out->request = row->request ? strdup(row->request) : NULL;
    out->response = row->response ? strdup(row->response) : NULL;
    if (strcmp(row->status, "ok") != 0) {
        pr_llm_fail f = PR_LLM_FAIL_TRANSPORT;
        pr_llm_fail_parse(row->fail, &f);
        if (f == PR_LLM_OK) f = PR_LLM_FAIL_TRANSPORT;
        char msg[PR_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "cached failure: %s", row->error ? row->error : pr_llm_fail_name(f));
        return fail_with(out, f, err, msg);
    }
    pr_llm_http_response rs;
    memset(&rs, 0, sizeof rs);
    rs.status = row->http_status;
    rs.body = row->response ? row->response : (char *)"";
    rs.body_len = strlen(rs.body);
    pr_llm_reply reply;
    int rc = pr_llm_vt_for(cfg->api)->parse(cfg, &rs, &reply, err);
    pr_strlcpy(out->model, reply.model, sizeof out->model);
    pr_strlcpy(out->finish, reply.finish, sizeof out->finish);
    if (rc || reply.fail != PR_LLM_OK) {
        pr_llm_reply_free(&reply);
        return fail_with(out, reply.fail != PR_LLM_OK ? reply.fail : PR_LLM_FAIL_MALFORMED, err,
                         err ? err->msg : "cached response does not parse");
    }
    out->text = reply.text;
    pr_verdict_reject why;
    rc = pr_verdict_parse(p->question, out->text, strlen(out->text), &out->verdict, &why, err);
    if (rc) {
        out->reject = why;
        return fail_with(out, PR_LLM_FAIL_VERDICT, err, err ? err->msg : "cached verdict is invalid");
    }
    return PR_OK;
}

/* 0 when a call may go out, else fills out with the budget refusal. */
static int budget_check(pr_llm_cache *c, pr_llm_result *out, pr_err *err) {
    const pr_llm_budget *b = &c->budget;
    char msg[256];
    if (b->max_calls_run > 0 && (long)c->stats.calls >= b->max_calls_run) {
        snprintf(msg, sizeof msg, "budget: %zu calls this run (limit %ld)", c->stats.calls, b->max_calls_run);
        return fail_with(out, PR_LLM_FAIL_BUDGET, err, msg);
    }
    if (b->max_cost_run > 0 && c->stats.cost >= b->max_cost_run) {
        snprintf(msg, sizeof msg, "budget: $%.6f spent this run (limit $%.6f)", c->stats.cost, b->max_cost_run);
        return fail_with(out, PR_LLM_FAIL_BUDGET, err, msg);
    }
    if (b->max_calls_day <= 0 && b->max_cost_day <= 0) return PR_OK;
    int64_t now = c->wall_ms(c->ctx);
    int64_t day = now - ((now % PR_MS_PER_DAY) + PR_MS_PER_DAY) % PR_MS_PER_DAY;
    int64_t calls;
    double cost;
    if (c->store) {
        int rc = pr_store_llm_spend(c->store, day, day + PR_MS_PER_DAY, &calls, &cost, err);
        if (rc) {
            out->fail = PR_LLM_FAIL_BUDGET;
            out->status = rc;
            pr_strlcpy(out->reason, err ? err->msg : "cannot read today's spend", sizeof out->reason);
            return rc;
        }
    } else {
        if (c->mem_day != day) {
            c->mem_day = day;
            c->mem_day_calls = 0;
            c->mem_day_cost = 0;
        }
        calls = c->mem_day_calls;
        cost = c->mem_day_cost;
    }
    if (b->max_calls_day > 0 && calls >= b->max_calls_day) {
        snprintf(msg, sizeof msg, "budget: %lld calls today (limit %ld)", (long long)calls, b->max_calls_day);
        return fail_with(out, PR_LLM_FAIL_BUDGET, err, msg);
    }
    if (b->max_cost_day > 0 && cost >= b->max_cost_day) {
        snprintf(msg, sizeof msg, "budget: $%.6f spent today (limit $%.6f)", cost, b->max_cost_day);
        return fail_with(out, PR_LLM_FAIL_BUDGET, err, msg);
    }
    return PR_OK;
}

static int store_call(pr_llm_cache *c, pr_llm *l, const pr_llm_prompt *p, int64_t decision_ts,
                      const pr_llm_result *r, pr_err *err) {
    const pr_llm_config *cfg = pr_llm_get_config(l);
    pr_llm_call_record rec;
    memset(&rec, 0, sizeof rec);
    rec.created_at = c->wall_ms(c->ctx);
    rec.decision_ts = decision_ts;
    pr_strlcpy(rec.run_id, c->run_id, sizeof rec.run_id);
    pr_strlcpy(rec.provider, cfg->name, sizeof rec.provider);
    pr_strlcpy(rec.model, cfg->model, sizeof rec.model);
    pr_strlcpy(rec.question, pr_llm_question_name(p->question), sizeof rec.question);
    pr_strlcpy(rec.template_id, p->template_id, sizeof rec.template_id);
    pr_strlcpy(rec.prompt_hash, p->hash, sizeof rec.prompt_hash);
    pr_strlcpy(rec.status, r->fail == PR_LLM_OK ? "ok" : "failed", sizeof rec.status);
    pr_strlcpy(rec.fail, pr_llm_fail_name(r->fail), sizeof rec.fail);
    rec.http_status = r->http_status;
    rec.attempts = r->attempts;
    rec.latency_ms = r->latency_ms;
    rec.tokens_in = r->tokens_in;
    rec.tokens_out = r->tokens_out;
    rec.cost = r->cost;
    rec.request = r->request;
    rec.response = r->response;
    char *verdict = r->fail == PR_LLM_OK ? pr_verdict_to_json(&r->verdict) : NULL;
    rec.verdict = verdict;
    rec.error = r->fail == PR_LLM_OK ? NULL : (char *)r->reason;
    int rc = pr_store_llm_put(c->store, &rec, NULL, err);
    free(verdict);
    return rc;
}

int pr_llm_cache_ask(pr_llm_cache *c, pr_llm *l, const pr_llm_prompt *p, int64_t decision_ts, pr_llm_result *out,
                     pr_err *err) {
    if (!c || !l || !p || !out) return pr_err_set(err, PR_EINVAL, "llm cache: NULL argument");
    memset(out, 0, sizeof *out);
    c->stats.asks++;
    const pr_llm_config *cfg = pr_llm_get_config(l);
    int rc;
    if (c->mode != PR_LLM_MODE_LIVE) {
        pr_llm_call_record row;
        rc = pr_store_llm_find(c->store, cfg->name, cfg->model, p->template_id, p->hash,
                               c->mode == PR_LLM_MODE_RECORD, &row, err);
        if (rc == PR_OK) {
            c->stats.hits++;
            rc = from_row(l, p, &row, out, err);
            pr_llm_call_record_free(&row);
            if (rc) c->stats.failures++;
            return rc;
        }
        if (rc != PR_ENOTFOUND) {
            c->stats.failures++;
            out->fail = PR_LLM_FAIL_CACHE_MISS;
            out->status = rc;
            pr_strlcpy(out->reason, err ? err->msg : "cache lookup failed", sizeof out->reason);
            return rc;
        }
        if (c->mode == PR_LLM_MODE_REPLAY) {
            c->stats.misses++;
            c->stats.failures++;
            char msg[256];
            snprintf(msg, sizeof msg, "replay: no cached answer from %s for %s prompt %.12s", cfg->name,
                     p->template_id, p->hash);
            return fail_with(out, PR_LLM_FAIL_CACHE_MISS, err, msg);
        }
    }
    if ((rc = budget_check(c, out, err))) {
        c->stats.failures++;
        if (out->fail == PR_LLM_FAIL_BUDGET && rc == PR_ELIMIT) c->stats.budget_refusals++;
        return rc;
    }
    rc = pr_llm_call(l, p, out, err);
    if (out->attempts == 0) { /* nothing went out (circuit open, bad request) */
        c->stats.failures++;
        return rc;
    }
    c->stats.calls++;
    c->stats.cost += out->cost;
    if (c->mem_day != PR_TIME_NONE) {
        c->mem_day_calls++;
        c->mem_day_cost += out->cost;
    }
    if (out->fail != PR_LLM_OK) c->stats.failures++;
    if (c->store) {
        pr_err serr;
        pr_err_clear(&serr);
        int src = store_call(c, l, p, decision_ts, out, &serr);
        if (src) {
            if (err) *err = serr;
            if (out->fail == PR_LLM_OK) c->stats.failures++;
            return src;
        }
    }
    return rc;
}
