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

const uint64_t k_pow10[] = {1ull,
                            10ull,
                            100ull,
                            1000ull,
                            10000ull,
                            100000ull,
                            1000000ull,
                            10000000ull,
                            100000000ull,
                            1000000000ull,
                            10000000000ull,
                            100000000000ull,
                            1000000000000ull,
                            10000000000000ull,
                            100000000000000ull,
                            1000000000000000ull,
                            10000000000000000ull,
                            100000000000000000ull,
                            1000000000000000000ull,
                            10000000000000000000ull};

// Number of decimal digits of v (v > 0, at most 17 digits here).
int count_digits(uint64_t v) {
    int n = 1;
    while (n < 20 && v >= k_pow10[n]) n++;
    return n;
}

// The n lowest decimal digits of v (leading zeros included) written so
// that the last one lands at end[-1]: each digit goes straight to its
// place, with no staging buffer and no copy (a libc call per piece would
// cost more than the digits); eight at a time in 32-bit arithmetic.
inline void pairs_back(char *end, uint32_t w, int n) {
    while (n >= 2) {
        uint32_t r = w % 100;
        w /= 100;
        *--end = k_pairs[2 * r + 1];
        *--end = k_pairs[2 * r];
        n -= 2;
    }
    if (n) *--end = (char)('0' + w % 10);
}

inline void digits_back(char *end, uint64_t v, int n) {
    while (n > 8) {
        pairs_back(end, (uint32_t)(v % 100000000u), 8);
        v /= 100000000u;
        end -= 8;
        n -= 8;
    }
    pairs_back(end, (uint32_t)v, n);
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
    int n = count_digits(sig);
    int sx = n - 1 + e;     // exponent of the leading digit
    if (sx >= -4 && sx < 17) {
        if (e >= 0) { // integer: digits then zeros
            digits_back(q + n, sig, n);
            q = zeros(q + n, e);
        } else if (sx >= 0) { // point inside the digits
            int f = n - sx - 1; // digits after the point
            digits_back(q + sx + 1, sig / k_pow10[f], sx + 1);
            q[sx + 1] = '.';
            digits_back(q + n + 1, sig % k_pow10[f], f);
            q += n + 1;
        } else { // 0.000ddd
            *q++ = '0';
            *q++ = '.';
            q = zeros(q, -sx - 1);
            digits_back(q + n, sig, n);
            q += n;
        }
    } else {
        uint64_t lead = sig / k_pow10[n - 1];
        *q++ = (char)('0' + lead);
        if (n > 1) {
            *q++ = '.';
            digits_back(q + n - 1, sig % k_pow10[n - 1], n - 1);
            q += n - 1;
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
