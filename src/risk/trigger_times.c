/* When each protection fired: the bounded rings of pr_risk_state (the
 * latest PR_RISK_TRIGGER_TIMES times each), listed oldest first for the
 * reports and kept in the state's JSON so a resumed run goes on with them. */
#include "proratio/risk/protect.h"
#include "risk/trigger_times.h"

static size_t kept(const pr_risk_state *st, int id) {
    return st->trig[id].count < PR_RISK_TRIGGER_TIMES ? st->trig[id].count : PR_RISK_TRIGGER_TIMES;
}

size_t pr_risk_trigger_times_list(const pr_risk_state *st, int id, int64_t *out) {
    size_t n = kept(st, id), first = st->trig[id].count - n;
    for (size_t i = 0; i < n; i++) out[i] = st->times.at[id][(first + i) % PR_RISK_TRIGGER_TIMES];
    return n;
}

json_t *pr_risk_trigger_times_json(const pr_risk_state *st) {
    json_t *all = json_array();
    for (int k = 0; k < PR_PROT_N; k++) {
        int64_t t[PR_RISK_TRIGGER_TIMES];
        json_t *one = json_array();
        size_t n = pr_risk_trigger_times_list(st, k, t);
        for (size_t i = 0; i < n; i++) json_array_append_new(one, json_integer((json_int_t)t[i]));
        json_array_append_new(all, one);
    }
    return all;
}

int pr_risk_trigger_times_read(json_t *arr, pr_risk_state *st, pr_err *err) {
    if (!json_is_array(arr) || json_array_size(arr) != PR_PROT_N)
        return pr_err_set(err, PR_EPARSE, "risk state: \"trigger_times\" must be an array of %d arrays", PR_PROT_N);
    for (int k = 0; k < PR_PROT_N; k++) {
        json_t *one = json_array_get(arr, (size_t)k);
        size_t n = kept(st, k), first = st->trig[k].count - n;
        if (!json_is_array(one) || json_array_size(one) != n)
            return pr_err_set(err, PR_EPARSE, "risk state: trigger_times[%d] (%s) must hold %zu times", k,
                              pr_risk_protect_names[k], n);
        for (size_t i = 0; i < n; i++) {
            json_t *x = json_array_get(one, i);
            if (!json_is_integer(x))
                return pr_err_set(err, PR_EPARSE, "risk state: trigger_times[%d][%zu] must be an integer", k, i);
            st->times.at[k][(first + i) % PR_RISK_TRIGGER_TIMES] = json_integer_value(x);
        }
    }
    return PR_OK;
}
