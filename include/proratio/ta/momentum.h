/* Part of ta.h: momentum indicators (see ta.h for conventions). */
#ifndef PRORATIO_TA_MOMENTUM_H
#define PRORATIO_TA_MOMENTUM_H
#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"

#endif
