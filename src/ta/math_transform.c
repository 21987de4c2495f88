/* TA-Lib's math transforms and operators: one libm call or one operation per
 * bar (lookback 0), so the values are the C library's (glibc's libm gives
 * TA-Lib's 0.6.4 golden values bit for bit). LN is log, operators take
 * real0 and real1 in that order (SUB = real0 - real1, DIV = real0/real1). */
#include "perbar_internal.h"

PR_TA_PERBAR_1(acos, x, acos(x))
PR_TA_PERBAR_1(asin, x, asin(x))
PR_TA_PERBAR_1(atan, x, atan(x))
PR_TA_PERBAR_1(ceil, x, ceil(x))
PR_TA_PERBAR_1(cos, x, cos(x))
PR_TA_PERBAR_1(cosh, x, cosh(x))
PR_TA_PERBAR_1(exp, x, exp(x))
PR_TA_PERBAR_1(floor, x, floor(x))
PR_TA_PERBAR_1(ln, x, log(x))
PR_TA_PERBAR_1(log10, x, log10(x))
PR_TA_PERBAR_1(sin, x, sin(x))
PR_TA_PERBAR_1(sinh, x, sinh(x))
PR_TA_PERBAR_1(sqrt, x, sqrt(x))
PR_TA_PERBAR_1(tan, x, tan(x))
PR_TA_PERBAR_1(tanh, x, tanh(x))

PR_TA_PERBAR_2(add, x, y, a, b, a + b)
PR_TA_PERBAR_2(sub, x, y, a, b, a - b)
PR_TA_PERBAR_2(mult, x, y, a, b, a * b)
PR_TA_PERBAR_2(div, x, y, a, b, a / b)
