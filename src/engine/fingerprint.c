/* The run fingerprint: SHA-256 (OpenSSL EVP) of the canonical trades CSV, so
 * that any change in behaviour — one trade more, one price one ulp off —
 * shows as a different hex string, and `sha256sum trades.csv` reproduces it. */
#include <openssl/evp.h>

#include "engine/metrics_internal.h"

static void to_hex(const unsigned char *d, unsigned n, char hex[PR_FINGERPRINT_HEX]) {
    static const char k[] = "0123456789abcdef";
    for (unsigned i = 0; i < n && i < 32; i++) {
        hex[2 * i] = k[d[i] >> 4];
        hex[2 * i + 1] = k[d[i] & 15];
    }
    hex[64] = '\0';
}

static int digest_sink(void *ctx, const char *s, size_t n) {
    return EVP_DigestUpdate((EVP_MD_CTX *)ctx, s, n) == 1 ? 0 : PR_EINVAL;
}

static int run(const pr_trade_record *tr, size_t n, const void *data, size_t len,
               char hex[PR_FINGERPRINT_HEX], pr_err *err) {
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md) return pr_err_set(err, PR_ENOMEM, "sha256: out of memory");
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dn = 0;
    int ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
    if (ok) ok = tr ? pr_mx_trades_csv(tr, n, digest_sink, md) == 0
                    : EVP_DigestUpdate(md, data, len) == 1;
    if (ok) ok = EVP_DigestFinal_ex(md, d, &dn) == 1 && dn == 32;
    EVP_MD_CTX_free(md);
    if (!ok) return pr_err_set(err, PR_EINVAL, "sha256: digest failed");
    to_hex(d, dn, hex);
    return PR_OK;
}

int pr_sha256_hex(const void *data, size_t len, char hex[PR_FINGERPRINT_HEX], pr_err *err) {
    if (!hex || (len && !data)) return pr_err_set(err, PR_EINVAL, "sha256: no data or no output");
    return run(NULL, 0, len ? data : "", len, hex, err);
}

int pr_trades_fingerprint(const pr_trade_record *tr, size_t n, char hex[PR_FINGERPRINT_HEX],
                          pr_err *err) {
    static const pr_trade_record none;
    if (!hex || (n && !tr)) return pr_err_set(err, PR_EINVAL, "fingerprint: no trades or no output");
    return run(n ? tr : &none, n, NULL, 0, hex, err);
}
