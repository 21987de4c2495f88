/* Part of ta.h: overlap indicators (see ta.h for conventions). */
#ifndef PRORATIO_TA_OVERLAP_H
#define PRORATIO_TA_OVERLAP_H
#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"

#endif
