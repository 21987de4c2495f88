/* Part of risk.h: the LLM `levels` verdict merged with the levels of ta's
 * detector for the `level` stop mode (risk.stops.llm_levels). The LLM
 * stage puts its levels on the signal as plain prices (risk may not
 * include ai headers); here each becomes a level of the configured
 * strength, a zone of one price, and the stop rule is unchanged: the
 * nearest qualifying level on the losing side of the entry within
 * level_max wins, whichever source it came from. */
#ifndef PRORATIO_RISK_LLM_LEVELS_H
#define PRORATIO_RISK_LLM_LEVELS_H

#include <stddef.h>
#include "proratio/signal.h"
#include "proratio/ta.h"

#ifdef __cplusplus
extern "C" {
#endif

/* det[0..n_det) (ascending by price) and sig's LLM levels with strength
 * `strength` (lo = hi = price, one touch) into out, ascending by price (a
 * detected level first at an equal price); returns how many (out must
 * hold n_det + PR_SIGNAL_MAX_LEVELS). Levels that are not positive
 * numbers are skipped. Pure. */
size_t pr_risk_levels_merge(const pr_ta_level *det, size_t n_det, const pr_signal *sig, double strength,
                            pr_ta_level *out);

#ifdef __cplusplus
}
#endif
#endif
