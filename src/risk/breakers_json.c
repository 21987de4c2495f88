/* The circuit breakers' state (pr_risk_breaker_state) as JSON under
 * "breakers": the rings are written slot by slot with their heads, as
 * state_json.c writes the returns, so a state read back is the same struct;
 * instruments with nothing to remember are left out. */
#include <stdint.h>

#include "proratio/risk/breakers.h"
#include "risk/breakers_json.h"

static int memo_empty(const pr_risk_inst_memo *m) {
    return m->stop_out == PR_TIME_NONE && m->lock_until == PR_TIME_NONE && m->guard_from == PR_TIME_NONE &&
           m->lock_by == 0 && !m->vol_halted && m->n == 0 && m->head == 0;
}

int pr_risk_breakers_to_json(const pr_risk_state *st, json_t *root, pr_err *err) {
    const pr_risk_breaker_state *b = &st->brk;
    json_t *stops = json_array(), *insts = json_array();
    for (int k = 0; k < b->n_stops; k++) json_array_append_new(stops, json_integer(b->stops[k]));
    for (int i = 0; i < PR_RISK_MAX_INSTRUMENTS; i++) {
        const pr_risk_inst_memo *m = &b->inst[i];
        if (memo_empty(m)) continue;
        json_t *trades = json_array();
        for (int k = 0; k < m->n; k++) json_array_append_new(trades, json_pack("[I, f, i]", (json_int_t)m->t[k], m->r[k], m->stop[k]));
        json_array_append_new(insts, json_pack("{s:i, s:I, s:I, s:i, s:i, s:I, s:i, s:o}", "instrument", i, "stop_out",
                                               (json_int_t)m->stop_out, "lock_until", (json_int_t)m->lock_until,
                                               "lock_by", m->lock_by, "vol_halted", m->vol_halted, "guard_from",
                                               (json_int_t)m->guard_from, "head", m->head, "trades", trades));
    }
    json_t *o = json_pack("{s:i, s:i, s:I, s:i, s:i, s:I, s:i, s:o, s:I, s:I, s:o}", "tier_seen", b->tier_seen,
                          "pending", b->pending, "dd_since", (json_int_t)b->dd_since, "kill_on", b->kill_on,
                          "kill_signal", b->kill_signal, "guard_from", (json_int_t)b->guard_from, "stops_head",
                          b->stops_head, "stops", stops, "weekend_seen", (json_int_t)b->weekend_seen, "hour_seen",
                          (json_int_t)b->hour_seen, "instruments", insts);
    if (!o || json_object_set_new(root, "breakers", o) != 0)
        return pr_err_set(err, PR_ENOMEM, "risk state: out of memory");
    return PR_OK;
}

static int bad(pr_err *err, const char *what, const char *detail) {
    return pr_err_set(err, PR_EPARSE, "risk state: breakers%s: %s", what, detail);
}

/* A ring not yet full fills from slot 0: its head is its length. */
static int ring_ok(int n, int head, int cap) { return n >= 0 && n <= cap && head >= 0 && head < cap && (n == cap || head == n); }

static int read_memo(json_t *x, pr_risk_breaker_state *b, pr_err *err) {
    json_error_t je;
    int i, lock_by, vol, head;
    json_int_t stop_out, lock_until, guard_from;
    json_t *trades;
    if (json_unpack_ex(x, &je, JSON_STRICT, "{s:i, s:I, s:I, s:i, s:i, s:I, s:i, s:o}", "instrument", &i, "stop_out",
                       &stop_out, "lock_until", &lock_until, "lock_by", &lock_by, "vol_halted", &vol, "guard_from",
                       &guard_from, "head", &head, "trades", &trades) != 0)
        return bad(err, ".instruments[]", je.text);
    if (i < 0 || i >= PR_RISK_MAX_INSTRUMENTS || lock_by < 0 || lock_by >= PR_PROT_N || (vol != 0 && vol != 1) ||
        !json_is_array(trades) || !ring_ok((int)json_array_size(trades), head, PR_RISK_RECENT))
        return bad(err, ".instruments[]", "an instrument, lock, flag or ring out of range");
    pr_risk_inst_memo *m = &b->inst[i];
    m->stop_out = stop_out;
    m->lock_until = lock_until;
    m->guard_from = guard_from;
    m->lock_by = lock_by;
    m->vol_halted = vol;
    m->head = head;
    m->n = (int)json_array_size(trades);
    size_t k;
    json_t *t;
    json_array_foreach(trades, k, t) {
        json_int_t ts;
        if (json_unpack_ex(t, &je, JSON_STRICT, "[I, F, i]", &ts, &m->r[k], &m->stop[k]) != 0)
            return bad(err, ".instruments[].trades[]", je.text);
        m->t[k] = ts;
        if (m->stop[k] != 0 && m->stop[k] != 1) return bad(err, ".instruments[].trades[]", "stop must be 0 or 1");
    }
    return PR_OK;
}

int pr_risk_breakers_from_json(json_t *root, pr_risk_state *st, pr_err *err) {
    pr_risk_breaker_state *b = &st->brk;
    json_error_t je;
    json_int_t dd_since, guard_from, weekend_seen, hour_seen;
    json_t *stops, *insts;
    json_t *o = json_object_get(root, "breakers");
    if (!json_is_object(o)) return bad(err, "", "missing (an object)");
    if (json_unpack_ex(o, &je, JSON_STRICT, "{s:i, s:i, s:I, s:i, s:i, s:I, s:i, s:o, s:I, s:I, s:o}", "tier_seen",
                       &b->tier_seen, "pending", &b->pending, "dd_since", &dd_since, "kill_on", &b->kill_on,
                       "kill_signal", &b->kill_signal, "guard_from", &guard_from, "stops_head", &b->stops_head,
                       "stops", &stops, "weekend_seen", &weekend_seen, "hour_seen", &hour_seen, "instruments",
                       &insts) != 0)
        return bad(err, "", je.text);
    if (b->tier_seen < 0 || b->tier_seen > 3 || b->pending < PR_BRK_NONE || b->pending > PR_BRK_CLOSE ||
        (b->kill_on & ~1) || (b->kill_signal & ~1) || !json_is_array(stops) || !json_is_array(insts) ||
        !ring_ok((int)json_array_size(stops), b->stops_head, PR_RISK_RECENT_STOPS))
        return bad(err, "", "a tier, flag or ring out of range");
    b->dd_since = dd_since;
    b->guard_from = guard_from;
    b->weekend_seen = weekend_seen;
    b->hour_seen = hour_seen;
    b->n_stops = (int)json_array_size(stops);
    size_t k;
    json_t *x;
    json_array_foreach(stops, k, x) {
        if (!json_is_integer(x)) return bad(err, ".stops[]", "expected integer times");
        b->stops[k] = json_integer_value(x);
    }
    int rc;
    json_array_foreach(insts, k, x) if ((rc = read_memo(x, b, err)) != 0) return rc;
    return PR_OK;
}
