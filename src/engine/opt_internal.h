/* Internal to the optimiser's parts (opt_*.c): what the space file knows
 * that the samplers share. Nothing else includes this. */
#ifndef PR_ENGINE_OPT_INTERNAL_H
#define PR_ENGINE_OPT_INTERNAL_H
#include <stddef.h>
#include "proratio/engine/optimize.h"

/* Values dimension d takes on the grid (0: it has no step). */
size_t pr_opt_dim_levels(const pr_opt_dim *d);
/* Its grid value number i (i < pr_opt_dim_levels). */
double pr_opt_dim_level(const pr_opt_dim *d, size_t i);

#endif
