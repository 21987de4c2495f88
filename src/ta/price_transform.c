/* TA-Lib's price transforms, one value per bar (lookback 0), in TA-Lib's
 * order of operations: AVGPRICE = (((H + L) + C) + O)/4 as TA-Lib adds them
 * (another order can change the last bit), MEDPRICE = (H + L)/2,
 * TYPPRICE = (H + L + C)/3 and WCLPRICE = (H + L + 2C)/4. */
#include "perbar_internal.h"

PR_TA_PERBAR_4(avgprice, open, high, low, close, o, h, l, c, (h + l + c + o) / 4.0)
PR_TA_PERBAR_2(medprice, high, low, h, l, (h + l) / 2.0)
PR_TA_PERBAR_3(typprice, high, low, close, h, l, c, (h + l + c) / 3.0)
PR_TA_PERBAR_3(wclprice, high, low, close, h, l, c, (h + l + (c * 2.0)) / 4.0)
