/* Internal to the ta module: the per-family indicator tables that table.c
 * concatenates, and small helpers shared by indicator files. */
#ifndef PR_TA_INTERNAL_H
#define PR_TA_INTERNAL_H
#include <math.h>
#include "proratio/ta.h"

/* Each family file (table_<family>.c) defines its array and count. */
extern const pr_ta_def pr_ta_defs_list[];   /* table_list.c: the rows of ta/list.h */
extern const size_t pr_ta_defs_list_count;
extern const pr_ta_def pr_ta_defs_candles[];
extern const size_t pr_ta_defs_candles_count;
extern const pr_ta_def pr_ta_defs_extra[];
extern const size_t pr_ta_defs_extra_count;
extern const pr_ta_def pr_ta_defs_stats[];
extern const size_t pr_ta_defs_stats_count;

/* Fills out[0..n) with NaN. */
static inline void pr_ta_fill_nan(double *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = NAN;
}
#endif
