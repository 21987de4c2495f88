/* Part of ta.h: extra indicators (see ta.h for conventions). */
#ifndef PRORATIO_TA_EXTRA_H
#define PRORATIO_TA_EXTRA_H
#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"

#endif
