/* `proratio live`'s reconciliation with the venue at start, its state in
 * the store, the entry gate of paused markets, `proratio live confirm`
 * and the status lines (see live_reconcile.h).
 *
 * The position rule: when a session first starts, each market's venue
 * quantity (the position on a venue with positions, else the base asset's
 * free + locked balance) is recorded as its start; from then on every
 * venue fill of an order the session sent or adopted adds its signed
 * quantity (less a commission paid in the base asset), read from the
 * venue's own trade list since the last trade id seen. The venue should
 * hold start + that net within one lot step; anything else (a hand trade,
 * a deposit, a fill the session cannot account for) is a mismatch. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "live_reconcile.h"
#include "paper_run.h"
#include "proratio/data/store_risk.h"

#define RECON_VERSION 1
#define RECON_PREFIX 10      /* "pr" + 8 hex of the session's hash */
#define RECON_PAGE 1000      /* the venue's largest trade page       */

size_t live_recon_read(live_recon *rc, const pr_config *cfg, bt_errors *errs) {
    static const char *const keys[] = {"unknown_orders", "cancel_foreign", "on_mismatch", NULL};
    static const char *const actions[] = {"cancel", "adopt", "leave", NULL};
    static const char *const mismatch[] = {"continue", "pause", NULL};
    size_t n0 = errs->n + errs->dropped;
    pr_err e;
    pr_err_clear(&e);
    int a = 0, m = 1;
    if (pr_config_check_keys(cfg, "live.reconcile", keys, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    if (pr_config_enum(cfg, "live.reconcile.unknown_orders", "cancel", actions, &a, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    if (pr_config_bool(cfg, "live.reconcile.cancel_foreign", 0, &rc->cancel_foreign, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    if (pr_config_enum(cfg, "live.reconcile.on_mismatch", "pause", mismatch, &m, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    rc->unknown = (recon_action)a;
    rc->pause = m;
    return errs->n + errs->dropped - n0;
}

static void row_name(char *out, size_t cap, const char *session) {
    snprintf(out, cap, "live-reconcile:%.100s", session);
}

static recon_market *find_market(live_recon *rc, const char *symbol) {
    for (size_t i = 0; i < rc->n; i++)
        if (strcmp(rc->mk[i].symbol, symbol) == 0) return &rc->mk[i];
    return NULL;
}

static int64_t jint(json_t *o, const char *k, int64_t def) {
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

static void from_json(live_recon *rc, json_t *root) {
    json_t *mks = json_object_get(root, "markets");
    const char *sym;
    json_t *m;
    json_object_foreach(mks, sym, m) {
        recon_market *k = find_market(rc, sym);
        if (!k) continue;
        json_t *b = json_object_get(m, "base");
        k->has_base = json_is_number(b);
        k->base = json_number_value(b);
        k->net = json_number_value(json_object_get(m, "net"));
        k->cursor = jint(m, "cursor", -1);
        k->confirmed = jint(m, "confirmed", 0);
        k->venue = json_number_value(json_object_get(m, "venue"));
        k->expected = json_number_value(json_object_get(m, "expected"));
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(m, "adopted"), i, v) {
            if (k->n_adopted == RECON_MAX_ADOPTED) break;
            recon_adopted *a = &k->adopted[k->n_adopted++];
            a->venue_id = jint(v, "venue_id", -1);
            pr_strlcpy(a->client_id, json_string_value(json_object_get(v, "client_id")) ?
                       json_string_value(json_object_get(v, "client_id")) : "", sizeof a->client_id);
        }
        json_array_foreach(json_object_get(m, "sent"), i, v) {
            if (k->n_sent == RECON_MAX_SENT || !json_is_string(v)) break;
            pr_strlcpy(k->sent[k->n_sent++], json_string_value(v), sizeof k->sent[0]);
        }
        json_array_foreach(json_object_get(m, "pauses"), i, v) {
            if (k->n_pauses == RECON_MAX_PAUSES) break;
            recon_pause *p = &k->pauses[k->n_pauses++];
            p->from = jint(v, "from", INT64_MIN);
            p->to = jint(v, "to", PR_TIME_NONE);
        }
    }
}

static json_t *to_json(const live_recon *rc) {
    json_t *mks = json_object();
    for (size_t i = 0; i < rc->n; i++) {
        const recon_market *k = &rc->mk[i];
        json_t *m = json_object(), *ad = json_array(), *ps = json_array();
        if (k->has_base) json_object_set_new(m, "base", json_real(k->base));
        json_object_set_new(m, "net", json_real(k->net));
        json_object_set_new(m, "cursor", json_integer(k->cursor));
        json_object_set_new(m, "confirmed", json_integer(k->confirmed));
        json_object_set_new(m, "venue", json_real(k->venue));
        json_object_set_new(m, "expected", json_real(k->expected));
        for (size_t j = 0; j < k->n_adopted; j++)
            json_array_append_new(ad, json_pack("{s:I,s:s}", "venue_id", (json_int_t)k->adopted[j].venue_id,
                                                "client_id", k->adopted[j].client_id));
        for (size_t j = 0; j < k->n_pauses; j++) {
            json_t *p = json_pack("{s:I}", "from", (json_int_t)k->pauses[j].from);
            if (k->pauses[j].to != PR_TIME_NONE) json_object_set_new(p, "to", json_integer(k->pauses[j].to));
            json_array_append_new(ps, p);
        }
        json_t *sn = json_array();
        for (size_t j = 0; j < k->n_sent; j++) json_array_append_new(sn, json_string(k->sent[j]));
        json_object_set_new(m, "sent", sn);
        json_object_set_new(m, "adopted", ad);
        json_object_set_new(m, "pauses", ps);
        json_object_set_new(mks, k->symbol, m);
    }
    return json_pack("{s:o}", "markets", mks);
}

static int load_row(pr_store *st, const char *name, json_t **root, pr_err *err) {
    char *js = NULL;
    *root = NULL;
    int rc = pr_store_risk_state_get(st, name, &js, NULL, NULL, err);
    if (rc != PR_OK) return rc;
    json_error_t je;
    *root = json_loads(js, 0, &je);
    free(js);
    if (!*root) return pr_err_set(err, PR_ESTATE, "%s: the stored reconciliation is no JSON (%s)", name, je.text);
    return PR_OK;
}

static int save_row(pr_store *st, const char *name, json_t *root, pr_err *err) {
    char *js = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17));
    if (!js) return pr_err_set(err, PR_ENOMEM, "reconciliation: out of memory");
    int rc = pr_store_risk_state_put(st, name, js, RECON_VERSION, pr_time_now_ms(), err);
    free(js);
    return rc;
}

static int save_state(live_recon *rc, pr_err *err) {
    json_t *root = to_json(rc);
    int r = root ? save_row(rc->st, rc->name, root, err) : pr_err_set(err, PR_ENOMEM, "reconcile: out of memory");
    json_decref(root);
    return r;
}

int live_recon_load(live_recon *rc, pr_store *st, const char *session, const char *const *symbols, size_t n,
                    int fresh, pr_err *err) {
    row_name(rc->name, sizeof rc->name, session);
    pr_strlcpy(rc->session, session, sizeof rc->session);
    rc->n = n;
    for (size_t i = 0; i < n; i++) {
        memset(&rc->mk[i], 0, sizeof rc->mk[i]);
        pr_strlcpy(rc->mk[i].symbol, symbols[i], sizeof rc->mk[i].symbol);
        rc->mk[i].cursor = -1;
    }
    if (fresh) return PR_OK;
    json_t *root = NULL;
    int r = load_row(st, rc->name, &root, err);
    if (r == PR_ENOTFOUND) {
        pr_err_clear(err);
        return PR_OK;
    }
    if (r != PR_OK) return r;
    from_json(rc, root);
    json_decref(root);
    return PR_OK;
}

int live_recon_gate(void *user, int instrument, int64_t now) {
    const live_recon *rc = user;
    if (instrument < 0 || (size_t)instrument >= rc->n) return 0;
    const recon_market *k = &rc->mk[instrument];
    for (size_t j = 0; j < k->n_pauses; j++)
        if (now >= k->pauses[j].from && (k->pauses[j].to == PR_TIME_NONE || now < k->pauses[j].to)) return 1;
    return 0;
}

static int paused_open(const recon_market *k) {
    return k->n_pauses && k->pauses[k->n_pauses - 1].to == PR_TIME_NONE;
}

/* One line to f ("reconcile    SYMBOL: ...") and one JSON line for the log. */
static void report(live_recon *rc, FILE *f, const char *symbol, const char *action, const char *client_id,
                   int64_t venue_id, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void report(live_recon *rc, FILE *f, const char *symbol, const char *action, const char *client_id,
                   int64_t venue_id, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(f, "reconcile    %s: %s\n", symbol, msg);
    json_t *o = json_pack("{s:s,s:s,s:s,s:I}", "reconcile", action, "symbol", symbol, "message", msg, "time",
                          (json_int_t)pr_time_now_ms());
    if (client_id) json_object_set_new(o, "client_id", json_string(client_id));
    if (venue_id >= 0) json_object_set_new(o, "venue_order", json_integer(venue_id));
    char *js = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (!js) return;
    size_t len = strlen(js);
    char *grown = realloc(rc->log, rc->log_len + len + 2);
    if (grown) {
        rc->log = grown;
        memcpy(rc->log + rc->log_len, js, len);
        rc->log_len += len;
        rc->log[rc->log_len++] = '\n';
        rc->log[rc->log_len] = 0;
    }
    free(js);
}

static int is_adopted(const recon_market *k, int64_t venue_id) {
    for (size_t j = 0; j < k->n_adopted; j++)
        if (k->adopted[j].venue_id == venue_id) return 1;
    return 0;
}

/* An order of the session: mirrored in this run, or sent by the run
 * before whose last step the stored state lacks. */
static int is_own(const live_recon *rc, const live_venue *lv, size_t i, int64_t venue_id, const char *client_id) {
    const recon_market *k = &rc->mk[i];
    for (size_t j = 0; j < k->n_tail; j++)
        if (k->tail[j] == venue_id) return 1;
    return pr_venue_mirror_knows(lv->mirror, i, venue_id, client_id);
}

/* The write-ahead record's orders the venue has and this run has not
 * sent or found (yet): their venue ids, so their fills are the session's. */
static int resolve_tail(live_recon *rc, live_venue *lv, size_t i, pr_err *err) {
    recon_market *k = &rc->mk[i];
    k->n_tail = 0;
    for (size_t j = 0; j < k->n_sent; j++) {
        if (pr_venue_mirror_knows(lv->mirror, i, -1, k->sent[j])) continue;
        pr_venue_order o;
        pr_err qe;
        pr_err_clear(&qe);
        int r = pr_venue_query(&lv->v, k->symbol, k->sent[j], &o, &qe);
        if (r == PR_ENOTFOUND) continue;
        if (r != PR_OK) return pr_err_set(err, r, "reconcile %s: order %s: %.400s", k->symbol, k->sent[j], qe.msg);
        k->tail[k->n_tail++] = o.venue_id;
    }
    k->n_sent = 0;
    return PR_OK;
}

/* The venue's open orders of market i that the session did not send. */
static int check_orders(live_recon *rc, live_venue *lv, size_t i, const char *prefix, FILE *f, pr_err *err) {
    recon_market *k = &rc->mk[i];
    pr_venue_order o[64];
    size_t n = 0;
    int r = pr_venue_open_orders(&lv->v, k->symbol, o, 64, &n, err);
    if (r != PR_OK) return r;
    if (n > 64) n = 64;
    for (size_t j = 0; j < n; j++) {
        int mine = strncmp(o[j].client_id, prefix, RECON_PREFIX) == 0;
        if (mine && is_own(rc, lv, i, o[j].venue_id, o[j].client_id)) continue;
        if (is_adopted(k, o[j].venue_id)) {
            rc->adopted++;
            report(rc, f, k->symbol, "adopted", o[j].client_id, o[j].venue_id, "order %s (venue id %lld) still "
                   "open, adopted earlier", o[j].client_id, (long long)o[j].venue_id);
            continue;
        }
        recon_action a = rc->unknown;
        if (!mine) a = rc->cancel_foreign ? RECON_CANCEL : rc->unknown == RECON_ADOPT ? RECON_ADOPT : RECON_LEAVE;
        char what[160];
        snprintf(what, sizeof what, "%s %s %.10g at %.10g (venue id %lld)", pr_venue_side_name(o[j].side),
                 pr_venue_otype_name(o[j].type), o[j].qty, o[j].price, (long long)o[j].venue_id);
        const char *whose = mine ? "carries this session's client id prefix but the session did not send it"
                                 : "not this session's (no client id prefix)";
        if (a == RECON_CANCEL) {
            pr_venue_order out;
            pr_err ce;
            pr_err_clear(&ce);
            if (pr_venue_cancel(&lv->v, k->symbol, o[j].client_id, &out, &ce) != PR_OK)
                return pr_err_set(err, ce.code, "reconcile %s: cancelling open order %s: %.300s", k->symbol,
                                  o[j].client_id, ce.msg);
            rc->cancelled++;
            report(rc, f, k->symbol, "cancelled", o[j].client_id, o[j].venue_id, "cancelled open order %s %s: %s",
                   o[j].client_id, what, whose);
        } else if (a == RECON_ADOPT) {
            if (k->n_adopted == RECON_MAX_ADOPTED)
                return pr_err_set(err, PR_ELIMIT, "reconcile %s: more than %d adopted orders", k->symbol,
                                  RECON_MAX_ADOPTED);
            recon_adopted *ad = &k->adopted[k->n_adopted++];
            ad->venue_id = o[j].venue_id;
            pr_strlcpy(ad->client_id, o[j].client_id, sizeof ad->client_id);
            rc->adopted++;
            report(rc, f, k->symbol, "adopted", o[j].client_id, o[j].venue_id, "adopted open order %s %s: %s; "
                   "kept at the venue, its fills count as the session's", o[j].client_id, what, whose);
        } else {
            rc->left++;
            report(rc, f, k->symbol, "left", o[j].client_id, o[j].venue_id, "left open order %s %s: %s",
                   o[j].client_id, what, whose);
        }
    }
    return PR_OK;
}

/* The venue's fills of market i since the last trade id seen: the
 * session's own (mirrored) counted, an adopted order's booked and
 * reported, others counted as foreign. A new session only takes the
 * cursor. */
static int check_fills(live_recon *rc, live_venue *lv, size_t i, const char *base, int fresh, FILE *f,
                       pr_err *err) {
    recon_market *k = &rc->mk[i];
    pr_venue_fill *fl = malloc(RECON_PAGE * sizeof *fl);
    if (!fl) return pr_err_set(err, PR_ENOMEM, "reconcile: out of memory");
    size_t foreign = 0;
    int r = PR_OK;
    for (;;) {
        size_t n = 0;
        if ((r = pr_venue_fills(&lv->v, k->symbol, k->cursor + 1, fl, RECON_PAGE, &n, err)) != PR_OK) break;
        if (n > RECON_PAGE) n = RECON_PAGE;
        for (size_t j = 0; j < n; j++) {
            const pr_venue_fill *x = &fl[j];
            if (x->trade_id <= k->cursor) continue;
            k->cursor = x->trade_id;
            if (fresh) continue;
            double q = (x->side == PR_VSIDE_BUY ? x->qty : -x->qty) -
                       (base && strcmp(x->commission_asset, base) == 0 ? x->commission : 0);
            if (is_own(rc, lv, i, x->order_id, NULL)) {
                k->net += q;
            } else if (is_adopted(k, x->order_id)) {
                k->net += q;
                rc->booked++;
                report(rc, f, k->symbol, "booked", NULL, x->order_id, "booked fill %lld of adopted order %lld made "
                       "while the session was down: %s %.10g at %.10g", (long long)x->trade_id,
                       (long long)x->order_id, pr_venue_side_name(x->side), x->qty, x->price);
            } else {
                foreign++;
            }
        }
        if (n < RECON_PAGE) break;
    }
    free(fl);
    if (r != PR_OK) return r;
    rc->foreign_fills += foreign;
    if (foreign)
        report(rc, f, k->symbol, "foreign_fills", NULL, -1, "%zu fills of orders that are not this session's "
               "(not booked; they show in the position check)", foreign);
    return PR_OK;
}

/* The venue's quantity of market i: its position, or its base balance. */
static int venue_qty(live_venue *lv, const char *symbol, const pr_venue_rules *ru, double *q, pr_err *err) {
    const char *base = ru->base;
    *q = 0;
    if (lv->v.ops->positions) {
        pr_venue_position p[64];
        size_t n = 0;
        int r = pr_venue_positions(&lv->v, p, 64, &n, err);
        if (r != PR_OK) return r;
        for (size_t j = 0; j < n && j < 64; j++)
            if (strcmp(p[j].symbol, symbol) == 0 || strcmp(p[j].symbol, ru->symbol) == 0) *q += p[j].qty;
        return PR_OK;
    }
    pr_venue_balance b[128];
    size_t n = 0;
    int r = pr_venue_balances(&lv->v, b, 128, &n, err);
    if (r != PR_OK) return r;
    for (size_t j = 0; j < n && j < 128; j++)
        if (strcmp(b[j].asset, base) == 0) *q = b[j].free + b[j].locked;
    return PR_OK;
}

static int check_position(live_recon *rc, live_venue *lv, size_t i, const pr_venue_rules *ru, int64_t first_new,
                          FILE *f, pr_err *err) {
    recon_market *k = &rc->mk[i];
    const char *unit = lv->v.ops->positions ? "position" : ru->base;
    double q;
    int r = venue_qty(lv, k->symbol, ru, &q, err);
    if (r != PR_OK) return pr_err_set(err, r, "reconcile %s: %.400s", k->symbol, err->msg);
    if (!k->has_base) {
        k->has_base = 1;
        k->base = q - k->net;
        report(rc, f, k->symbol, "start", NULL, -1, "the venue holds %.10g (%s): the session's start, from which "
               "its fills are counted", q, unit);
        return PR_OK;
    }
    if (k->confirmed) {
        char t[PR_TIME_STR_MAX];
        pr_time_format(k->confirmed, t, sizeof t);
        if (paused_open(k)) k->pauses[k->n_pauses - 1].to = first_new;
        k->base = q - k->net;   /* the venue's quantity is what the human confirmed */
        k->confirmed = 0;
        report(rc, f, k->symbol, "confirmed", NULL, -1, "confirmed at %s UTC: entries resume; the venue's %.10g "
               "(%s) is the session's from now on", t, q, unit);
        return PR_OK;
    }
    double expected = k->base + k->net, tol = ru->step > 0 ? ru->step : 1e-9;
    if (fabs(q - expected) <= tol * (1 + 1e-9)) {
        if (paused_open(k))
            report(rc, f, k->symbol, "paused", NULL, -1, "still paused (the quantities agree now: %.10g %s); "
                   "'proratio live confirm' resumes entries", q, unit);
        else
            fprintf(f, "reconcile    %s: the venue holds %.10g (%s), as the session expects\n", k->symbol, q, unit);
        return PR_OK;
    }
    rc->mismatches++;
    k->venue = q;
    k->expected = expected;
    int pausing = rc->pause && !paused_open(k);
    if (pausing) {
        if (k->n_pauses == RECON_MAX_PAUSES)
            return pr_err_set(err, PR_ELIMIT, "reconcile %s: more than %d pauses", k->symbol, RECON_MAX_PAUSES);
        k->pauses[k->n_pauses++] = (recon_pause){first_new, PR_TIME_NONE};
    }
    report(rc, f, k->symbol, "mismatch", NULL, -1, "MISMATCH: the venue holds %.10g (%s), the session expects "
           "%.10g (start %.10g + its fills %.10g; tolerance one lot step %.10g)%s", q, unit, expected, k->base,
           k->net, tol, !rc->pause ? "; trading goes on (on_mismatch \"continue\")"
           : "; new entries PAUSED (exits allowed) until 'proratio live confirm --session S --market SYMBOL'");
    return PR_OK;
}

int live_recon_run(live_recon *rc, pr_store *st, live_venue *lv, int64_t first_new, size_t resent, FILE *f,
                   pr_err *err) {
    int fresh = first_new == PR_TIME_NONE;
    if (fresh) first_new = INT64_MIN;
    rc->resent = resent;
    char prefix[PR_VENUE_CLIENT_ID_MAX];
    for (size_t i = 0; i < rc->n; i++) {
        recon_market *k = &rc->mk[i];
        pr_venue_rules ru;
        int r = pr_venue_client_id(rc->session, k->symbol, 0, 0, prefix, sizeof prefix, err);
        if (r == PR_OK) r = pr_venue_rules_of(&lv->v, k->symbol, &ru, err);
        if (r == PR_OK) r = resolve_tail(rc, lv, i, err);
        if (r == PR_OK) r = check_orders(rc, lv, i, prefix, f, err);
        if (r == PR_OK) r = check_fills(rc, lv, i, lv->v.ops->positions ? NULL : ru.base, fresh || !k->has_base, f,
                                        err);
        if (r == PR_OK) r = check_position(rc, lv, i, &ru, first_new, f, err);
        if (r != PR_OK) return r;
    }
    if (resent)
        report(rc, f, "all", "resent", NULL, -1, "%zu orders of the stored session the venue never received were "
               "sent again with their client ids", resent);
    char paused[256] = "";
    for (size_t i = 0; i < rc->n; i++)
        if (paused_open(&rc->mk[i]))
            snprintf(paused + strlen(paused), sizeof paused - strlen(paused), "%s%s", paused[0] ? ", " : "",
                     rc->mk[i].symbol);
    fprintf(f, "reconcile    done: %zu open orders cancelled, %zu adopted, %zu left; %zu fills booked while down, "
            "%zu foreign fills; %zu orders resent; %zu position mismatches; entries paused: %s\n", rc->cancelled,
            rc->adopted, rc->left, rc->booked, rc->foreign_fills, rc->resent, rc->mismatches,
            paused[0] ? paused : "none");
    fflush(f);
    rc->st = st;
    return save_state(rc, err);
}

void live_recon_attach(live_recon *rc, pr_store *st, const pr_venue_mirror *mirror) {
    rc->st = st;
    rc->mirror = mirror;
}

int live_recon_note_send(void *user, size_t market, const char *client_id, pr_err *err) {
    live_recon *rc = user;
    if (market >= rc->n) return pr_err_set(err, PR_EINVAL, "reconcile: no market %zu", market);
    recon_market *k = &rc->mk[market];
    /* A replay resending many orders (a testnet wiped): those it has sent
     * are the mirror's now, the record needs only the others. */
    for (size_t j = 0; k->n_sent == RECON_MAX_SENT && rc->mirror && j < k->n_sent;) {
        if (!pr_venue_mirror_knows(rc->mirror, market, -1, k->sent[j])) {
            j++;
            continue;
        }
        memmove(k->sent[j], k->sent[j + 1], (k->n_sent - j - 1) * sizeof k->sent[0]);
        k->n_sent--;
    }
    if (k->n_sent == RECON_MAX_SENT)
        return pr_err_set(err, PR_ELIMIT, "%s: more than %d orders since the session's state was saved", k->symbol,
                          RECON_MAX_SENT);
    pr_strlcpy(k->sent[k->n_sent++], client_id, sizeof k->sent[0]);
    return save_state(rc, err);
}

int live_recon_saved(live_recon *rc, pr_err *err) {
    size_t any = 0;
    for (size_t i = 0; i < rc->n; i++) {
        any += rc->mk[i].n_sent;
        rc->mk[i].n_sent = 0;
    }
    return any ? save_state(rc, err) : PR_OK;
}

void live_recon_write_log(const live_recon *rc, const char *dir) {
    if (!rc->log_len || !dir) return;
    char path[1024];
    snprintf(path, sizeof path, "%s/executions.jsonl", dir);
    FILE *f = fopen(path, "a");
    if (!f) {
        fprintf(stderr, "proratio live: warning: %s: cannot append the reconciliation's lines\n", path);
        return;
    }
    fwrite(rc->log, 1, rc->log_len, f);
    fclose(f);
}

void live_recon_free(live_recon *rc) {
    free(rc->log);
    rc->log = NULL;
    rc->log_len = 0;
}

static const char k_confirm_usage[] =
    "usage: proratio live confirm --db URL --session NAME --market SYMBOL\n"
    "Confirms that the venue's position (or base balance) of SYMBOL is right after\n"
    "a live session's start found it differing from what the session expected:\n"
    "at its next start the session takes the venue's quantity as its own and\n"
    "trades new entries of SYMBOL again.";

int live_recon_confirm_cmd(int argc, char **argv) {
    const char *db = NULL, *session = NULL, *market = NULL;
    for (int i = 1; i < argc; i++) {
        if (pr_cli_is_help(argv[i])) {
            puts(k_confirm_usage);
            return PR_EXIT_OK;
        }
        int r = pr_cli_opt(argc, argv, &i, "--db", &db);
        if (r == 0) r = pr_cli_opt(argc, argv, &i, "--session", &session);
        if (r == 0) r = pr_cli_opt(argc, argv, &i, "--market", &market);
        if (r < 0) return pr_cli_usage_error("live confirm", "%s needs a value", argv[i]);
        if (r == 0) return pr_cli_usage_error("live confirm", "unknown argument '%s'", argv[i]);
    }
    if (!session || !market) return pr_cli_usage_error("live confirm", "--session and --market are required");
    if (!db) db = PR_CLI_DEFAULT_DB;
    pr_store *st = NULL;
    int rc = paper_open_runs("live confirm", db, 0, &st);
    if (rc != PR_EXIT_OK) return rc;
    char name[sizeof ((live_recon *)0)->name];
    row_name(name, sizeof name, session);
    pr_err e;
    pr_err_clear(&e);
    json_t *root = NULL;
    int r = load_row(st, name, &root, &e);
    json_t *m = root ? json_object_get(json_object_get(root, "markets"), market) : NULL;
    json_t *ps = json_object_get(m, "pauses");
    json_t *last = json_array_size(ps) ? json_array_get(ps, json_array_size(ps) - 1) : NULL;
    if (r == PR_OK && (!last || json_object_get(last, "to"))) {
        fprintf(stderr, "proratio live confirm: %s of session '%s' is not paused: nothing to confirm\n", market,
                session);
        rc = PR_EXIT_NOTFOUND;
    } else if (r == PR_ENOTFOUND) {
        fprintf(stderr, "proratio live confirm: session '%s' has no reconciliation in %s (no live session of that "
                "name has started there)\n", session, db);
        rc = PR_EXIT_NOTFOUND;
    } else if (r != PR_OK) {
        rc = pr_cli_fail(&e);
    } else {
        json_object_set_new(m, "confirmed", json_integer(pr_time_now_ms()));
        if (save_row(st, name, root, &e) != PR_OK) {
            rc = pr_cli_fail(&e);
        } else {
            printf("confirmed    %s of session '%s': the venue's %.10g is taken as right (the session expected "
                   "%.10g); its next start resumes entries\n", market, session,
                   json_number_value(json_object_get(m, "venue")), json_number_value(json_object_get(m, "expected")));
        }
    }
    json_decref(root);
    pr_store_close(st);
    return rc;
}

void live_recon_status(pr_store *st, const char *session, FILE *f) {
    char name[sizeof ((live_recon *)0)->name];
    row_name(name, sizeof name, session);
    pr_err e;
    pr_err_clear(&e);
    json_t *root = NULL;
    if (load_row(st, name, &root, &e) != PR_OK) return;
    const char *sym;
    json_t *m;
    json_object_foreach(json_object_get(root, "markets"), sym, m) {
        json_t *ps = json_object_get(m, "pauses");
        json_t *last = json_array_size(ps) ? json_array_get(ps, json_array_size(ps) - 1) : NULL;
        if (!last || json_object_get(last, "to")) continue;
        int confirmed = jint(m, "confirmed", 0) != 0;
        fprintf(f, "paused       %s: new entries refused: the venue held %.10g, the session expected %.10g; %s\n",
                sym, json_number_value(json_object_get(m, "venue")), json_number_value(json_object_get(m, "expected")),
                confirmed ? "confirmed, entries resume at the next start"
                          : "'proratio live confirm --session S --market SYMBOL' lifts it");
    }
    json_decref(root);
}
