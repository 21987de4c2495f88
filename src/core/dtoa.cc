// Shortest round-trip number text for every number the program writes: a thin
// C shim over Google's double-conversion (Debian libdouble-conversion-dev),
// whose ToShortest gives the shortest decimal that reads back to the same
// double (Grisu3 with an exact bignum fallback), ~10x faster than "%.17g".
// The notation follows printf's %g so that exact values keep their old text:
// fixed for 1e-4 <= |x| < 1e17, else "1.5e-05" / "1e+17".
#include <double-conversion/double-to-string.h>

#include <cstring>

extern "C" {
#include "proratio/core.h"
}

namespace {
const double_conversion::DoubleToStringConverter k_conv(
    double_conversion::DoubleToStringConverter::EMIT_POSITIVE_EXPONENT_SIGN, "inf", "nan", 'e',
    -4, 17, 0, 0, 2);
}

extern "C" size_t pr_dtoa(double x, char *buf) {
    double_conversion::StringBuilder sb(buf, PR_DTOA_MAX);
    k_conv.ToShortest(x, &sb);
    size_t n = (size_t)sb.position();
    sb.Finalize();
    return n;
}
