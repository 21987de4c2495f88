/* Part of ta.h: stats indicators (see ta.h for conventions). */
#ifndef PRORATIO_TA_STATS_H
#define PRORATIO_TA_STATS_H
#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"

#endif
