/* Indicator table entries for the overlap family (see ta.h, pr_ta_def). */
#include "ta_internal.h"

const pr_ta_def pr_ta_defs_overlap[] = {
    {0}
};
const size_t pr_ta_defs_overlap_count = 0;
