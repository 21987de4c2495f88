/* Indicator table entries for the stats family (see ta.h, pr_ta_def). */
#include "ta_internal.h"

const pr_ta_def pr_ta_defs_stats[] = {
    {0}
};
const size_t pr_ta_defs_stats_count = 0;
