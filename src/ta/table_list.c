/* The indicator table: one entry per row of proratio/ta/list.h, in list
 * order. The row's shape gives the adapters (table_internal.h) and the
 * inputs, the row the name, group, description, parameters and outputs. */
#include "table_internal.h"

#define PR_TA_ROW(shape, name, ...) PR_TA_ADAPT(shape, name)
#include "proratio/ta/list.h"
#undef PR_TA_ROW

#define PR_TA_ROW(shape, name, group, desc, talib, params, outputs) \
    {PR_TA_TABLE_NAME(shape, name), group, desc, talib, PR_TA_IN(shape), PR_TA_UNPAREN_ params, PR_TA_UNPAREN_ outputs, PR_TA_FNS(name)},
const pr_ta_def pr_ta_defs[] = {
#include "proratio/ta/list.h"
};
#undef PR_TA_ROW
const size_t pr_ta_defs_count = sizeof pr_ta_defs / sizeof pr_ta_defs[0];
