/* The merge of risk/llm_levels.h: the LLM's levels sorted (at most
 * PR_SIGNAL_MAX_LEVELS, an insertion sort) and merged with the detector's
 * ascending list in one pass, so the level rule reads one ascending list. */
#include <math.h>
#include <string.h>

#include "proratio/risk/llm_levels.h"

size_t pr_risk_levels_merge(const pr_ta_level *det, size_t n_det, const pr_signal *sig, double strength,
                            pr_ta_level *out) {
    pr_ta_level llm[PR_SIGNAL_MAX_LEVELS];
    size_t n_llm = 0;
    int n = sig->n_llm_levels < PR_SIGNAL_MAX_LEVELS ? sig->n_llm_levels : PR_SIGNAL_MAX_LEVELS;
    for (int k = 0; k < n; k++) {
        double px = sig->llm_level[k];
        if (!(px > 0) || !isfinite(px)) continue;
        pr_ta_level L;
        memset(&L, 0, sizeof L);
        L.price = L.lo = L.hi = px;
        L.touches = 1;
        L.last_touch_ts = PR_TIME_NONE;
        L.strength = strength;
        size_t j = n_llm++;
        while (j > 0 && llm[j - 1].price > px) {
            llm[j] = llm[j - 1];
            j--;
        }
        llm[j] = L;
    }
    size_t i = 0, j = 0, o = 0;
    while (i < n_det || j < n_llm) {
        if (j == n_llm || (i < n_det && det[i].price <= llm[j].price)) out[o++] = det[i++];
        else out[o++] = llm[j++];
    }
    return o;
}
