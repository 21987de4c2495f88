/* Part of ta.h: the typed declarations of every indicator in
 * proratio/ta/list.h, one PR_TA_DECL(shape, name) (proratio/ta/shapes.h) per row.
 * What each indicator computes is documented in its family header
 * (overlap.h, momentum.h, extra.h, stats.h). */
#ifndef PRORATIO_TA_INDICATORS_H
#define PRORATIO_TA_INDICATORS_H
#include <stddef.h>
#include "proratio/ta/shapes.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_TA_ROW(shape, name, ...) PR_TA_DECL(shape, name)
#include "proratio/ta/list.h"
#undef PR_TA_ROW

#ifdef __cplusplus
}
#endif
#endif
