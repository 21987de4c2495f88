/* The simulated broker's order book: working orders in id order, the
 * record of every order by id, and the lifecycle between them (waiting
 * children, cancellation with the children, rejection, one-cancels-the-rest
 * by position, expiry, compaction of the working list). */
#include <stdlib.h>
#include <string.h>
#include "sim_internal.h"

int sim_grow(sim *s, void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) nc *= 2;
    void *np;
    if (s->alloc.alloc) {
        np = s->alloc.alloc(s->alloc.ctx, nc * elem);
        if (!np) return -1;
        if (*p) {
            memcpy(np, *p, *cap * elem);
            s->alloc.release(s->alloc.ctx, *p);
        }
    } else {
        np = realloc(*p, nc * elem);
        if (!np) return -1;
    }
    *p = np;
    *cap = nc;
    return 0;
}

void sim_release(sim *s, void *p) {
    if (!p) return;
    if (s->alloc.release) s->alloc.release(s->alloc.ctx, p);
    else free(p);
}

void sim_set_status(sim *s, sim_ord *so, pr_order_status st) {
    int was = sim_is_live(so->o.status), now = sim_is_live(st);
    so->o.status = st;
    s->hist[so->o.id - 1].status = (int8_t)st;
    s->changes++;
    if (was && !now) {
        s->m[so->o.instrument].n_live--;
        s->n_dead++;
    }
}

void sim_compact(sim *s) {
    if (s->n_dead == 0) return;
    size_t k = 0;
    for (size_t j = 0; j < s->n_lv; j++) {
        sim_hist *h = &s->hist[s->lv[j].o.id - 1];
        if (sim_is_live(s->lv[j].o.status)) {
            if (k != j) s->lv[k] = s->lv[j];
            h->slot = (int32_t)k++;
        } else {
            h->slot = -1;
        }
    }
    s->n_lv = k;
    s->n_dead = 0;
}

static void cancel_children(sim *s, uint64_t parent) {
    for (size_t j = 0; j < s->n_lv; j++) {
        sim_ord *c = &s->lv[j];
        if (c->o.status == PR_OS_WAITING && c->o.parent == parent) {
            sim_set_status(s, c, PR_OS_CANCELLED);
            cancel_children(s, c->o.id);
        }
    }
}

void sim_cancel_order(sim *s, sim_ord *so) {
    if (!sim_is_live(so->o.status)) return;
    sim_set_status(s, so, PR_OS_CANCELLED);
    cancel_children(s, so->o.id);
}

/* Set on the bracket orders that go with a rejected entry (cancelled, not
 * rejected themselves), so a run can say where its orders went. */
static const char k_with_rejected[] = "cancelled with its rejected parent order";

void sim_reject_order(sim *s, sim_ord *so, const char *why) {
    so->o.reject = why;
    s->hist[so->o.id - 1].reject = why;
    for (size_t j = 0; j < s->n_lv; j++)
        if (s->lv[j].o.status == PR_OS_WAITING && s->lv[j].o.parent == so->o.id)
            s->lv[j].o.reject = s->hist[s->lv[j].o.id - 1].reject = k_with_rejected;
    if (sim_is_live(so->o.status)) {
        sim_set_status(s, so, PR_OS_REJECTED);
        cancel_children(s, so->o.id);
    } else {
        so->o.status = PR_OS_REJECTED;
        s->changes++;
    }
}

/* The working reduce-only orders of an instrument that became flat (the
 * other legs of a bracket: one-cancels-the-rest by position). */
void sim_cancel_reduce_only(sim *s, int inst) {
    for (size_t j = 0; j < s->n_lv; j++) {
        sim_ord *c = &s->lv[j];
        if (c->o.instrument == inst && c->o.status == PR_OS_ACTIVE && c->o.reduce_only) sim_cancel_order(s, c);
    }
}

void sim_cancel_all_of(sim *s, int inst) {
    for (size_t j = 0; j < s->n_lv; j++) {
        sim_ord *c = &s->lv[j];
        if (c->o.instrument == inst && sim_is_live(c->o.status)) sim_cancel_order(s, c);
    }
}

/* Orders of inst expiring at or before ts (a bar's open) go before it starts. */
void sim_cancel_expired(sim *s, int inst, int64_t ts) {
    for (size_t j = 0; j < s->n_lv; j++) {
        sim_ord *so = &s->lv[j];
        if (so->o.instrument == inst && sim_is_live(so->o.status) && so->o.expire && so->o.expire <= ts)
            sim_cancel_order(s, so);
    }
}

int sim_push_hist(sim *s, const pr_order *o, int32_t slot) {
    if (sim_grow(s, (void **)&s->hist, &s->cap_hist, s->n_hist + 1, sizeof *s->hist)) return -1;
    sim_hist *h = &s->hist[s->n_hist++];
    h->filled_qty = o->filled_qty;
    h->avg_price = o->avg_price;
    h->reject = o->reject;
    h->slot = slot;
    h->instrument = o->instrument;
    h->status = (int8_t)o->status;
    h->side = (int8_t)o->side;
    h->type = (int8_t)o->type;
    h->role = (int8_t)o->role;
    return 0;
}

/* A market order closing inst's position that the broker places itself
 * (a liquidation). */
int sim_add_internal_order(sim *s, int inst, int side, pr_order_role role, int64_t now, size_t *oi) {
    if (sim_grow(s, (void **)&s->lv, &s->cap_lv, s->n_lv + 1, sizeof *s->lv)) return -1;
    sim_ord *so = &s->lv[s->n_lv];
    memset(so, 0, sizeof *so);
    pr_order_init(&so->o, inst, side, PR_ORDER_MARKET, role);
    so->o.qty_mode = PR_QTY_CLOSE;
    so->o.reduce_only = 1;
    so->o.id = s->n_hist + 1;
    so->o.submitted = now;
    so->o.status = PR_OS_ACTIVE;
    so->live_from = now;
    if (sim_push_hist(s, &so->o, (int32_t)s->n_lv)) return -1;
    s->m[inst].n_live++;
    *oi = s->n_lv++;
    return 0;
}

sim_ord *sim_live_order(sim *s, uint64_t id) {
    if (id == 0 || id > s->n_hist || s->hist[id - 1].slot < 0) return NULL;
    return &s->lv[s->hist[id - 1].slot];
}
