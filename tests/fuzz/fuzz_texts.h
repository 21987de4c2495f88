/* Shared by the verdict and provider fuzz targets: visits every text of a
 * verdict (reasons, reasoning, key factors, patterns). */
#ifndef PR_FUZZ_TEXTS_H
#define PR_FUZZ_TEXTS_H

#include "proratio/ai.h"

void pr_fuzz_verdict_texts(const pr_verdict *v, void (*fn)(const char *text, void *ctx), void *ctx);

#endif
