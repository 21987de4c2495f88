// Shortest round-trip number text for every number the program writes: the
// digits come from Dragonbox (Junekey Jeon's published algorithm) as shipped
// in {fmt} (Debian libfmt-dev), which gives the shortest decimal that reads
// back to the same double, the closest one when several have that length;
// this file lays the digits out as printf's %g does, so that values that
// were exact keep their old text: fixed for 1e-4 <= |x| < 1e17, otherwise
// "1.5e-05" / "1e+17". ~8x faster than "%.17g" (bench/number_format.c).
// {fmt}'s dragonbox::to_decimal is in its detail namespace but exported by
// the shared library; a {fmt} that drops it fails here at build time.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>

extern "C" {
#include "proratio/core.h"
}

namespace {
const char k_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Decimal digits of v (v > 0) into out; returns their count. Byte loops,
// not memcpy: every piece is at most 17 bytes, and a libc call per piece
// would cost more than the digits.
int digits(uint64_t v, char *out) {
    char tmp[24];
    char *p = tmp + sizeof tmp;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        *--p = k_pairs[2 * r + 1];
        *--p = k_pairs[2 * r];
    }
    if (v >= 10) {
        *--p = k_pairs[2 * v + 1];
        *--p = k_pairs[2 * v];
    } else {
        *--p = (char)('0' + v);
    }
    int n = (int)(tmp + sizeof tmp - p);
    for (int i = 0; i < n; i++) out[i] = p[i];
    return n;
}

char *copy(char *q, const char *s, int n) {
    for (int i = 0; i < n; i++) q[i] = s[i];
    return q + n;
}

char *zeros(char *q, int n) {
    for (int i = 0; i < n; i++) q[i] = '0';
    return q + n;
}
} // namespace

extern "C" size_t pr_dtoa(double x, char *buf) {
    char *q = buf;
    if (x != x) {
        std::memcpy(buf, "nan", 4);
        return 3;
    }
    if (std::signbit(x)) {
        *q++ = '-';
        x = -x;
    }
    if (x == 0) {
        *q++ = '0';
        *q = '\0';
        return (size_t)(q - buf);
    }
    if (x > 1.7976931348623157e308) {
        std::memcpy(q, "inf", 4);
        return (size_t)(q - buf) + 3;
    }
    auto dec = fmt::detail::dragonbox::to_decimal(x);
    uint64_t sig = dec.significand;
    int e = dec.exponent;   // value = sig * 10^e
    while (sig % 10 == 0) { // Dragonbox strips these already; cheap to be sure
        sig /= 10;
        e++;
    }
    char d[24];
    d[0] = 0; // (always written by digits(); silences a false warning)
    int n = digits(sig, d);
    int sx = n - 1 + e;     // exponent of the leading digit
    if (sx >= -4 && sx < 17) {
        if (e >= 0) { // integer: digits then zeros
            q = zeros(copy(q, d, n), e);
        } else if (sx >= 0) { // point inside the digits
            q = copy(q, d, sx + 1);
            *q++ = '.';
            q = copy(q, d + sx + 1, n - sx - 1);
        } else { // 0.000ddd
            *q++ = '0';
            *q++ = '.';
            q = copy(zeros(q, -sx - 1), d, n);
        }
    } else {
        *q++ = d[0];
        if (n > 1) {
            *q++ = '.';
            q = copy(q, d + 1, n - 1);
        }
        *q++ = 'e';
        *q++ = sx < 0 ? '-' : '+';
        unsigned a = (unsigned)(sx < 0 ? -sx : sx);
        if (a >= 100) {
            *q++ = (char)('0' + a / 100);
            a %= 100;
        }
        *q++ = k_pairs[2 * a];
        *q++ = k_pairs[2 * a + 1];
    }
    *q = '\0';
    return (size_t)(q - buf);
}
