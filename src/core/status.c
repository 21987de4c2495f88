/* Stable short names for pr_status codes, used in logs, JSON output and
 * error messages so scripts can match on them. */
#include "proratio/core.h"

const char *pr_status_name(int status) {
    switch (status) {
    case PR_OK: return "OK";
    case PR_EINVAL: return "EINVAL";
    case PR_ENOMEM: return "ENOMEM";
    case PR_EIO: return "EIO";
    case PR_EPARSE: return "EPARSE";
    case PR_ENOTFOUND: return "ENOTFOUND";
    case PR_ERANGE: return "ERANGE";
    case PR_EDB: return "EDB";
    case PR_EHTTP: return "EHTTP";
    case PR_ETIMEOUT: return "ETIMEOUT";
    case PR_ESTATE: return "ESTATE";
    case PR_EUNSUPPORTED: return "EUNSUPPORTED";
    case PR_EDATA: return "EDATA";
    case PR_ELIMIT: return "ELIMIT";
    case PR_EVENUE: return "EVENUE";
    default: return "EUNKNOWN";
    }
}
