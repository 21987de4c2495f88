/* Indicator table entries for the momentum family (see ta.h, pr_ta_def). */
#include "ta_internal.h"

const pr_ta_def pr_ta_defs_momentum[] = {
    {0}
};
const size_t pr_ta_defs_momentum_count = 0;
