/* The notification dispatcher (live/notify.h) with an injected transport:
 * the token bucket on hand-worked times (60 a minute = one token per
 * 1000 ms, burst 2), posting never waits for a slow notifier (a send that
 * takes 300 ms each), a full queue drops and counts, the dropped count
 * rides on the next message, a 429 stops sending for the wait it asks,
 * the secret never reaches an error text, and the configuration names the
 * path of a bad key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proratio/live/notify.h"

static int64_t mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_bucket(void **state) {
    (void)state;
    pr_notify_bucket b;
    pr_notify_bucket_init(&b, 60, 2);
    assert_int_equal(pr_notify_bucket_take(&b, 10000), 1);   /* 2 -> 1 */
    assert_int_equal(pr_notify_bucket_take(&b, 10000), 1);   /* 1 -> 0 */
    assert_int_equal(pr_notify_bucket_take(&b, 10000), 0);
    assert_int_equal(pr_notify_bucket_take(&b, 10500), 0);   /* 0.5 token */
    assert_int_equal(pr_notify_bucket_take(&b, 11000), 1);   /* 1.0 -> 0 */
    assert_int_equal(pr_notify_bucket_take(&b, 20000), 1);   /* capped at 2 -> 1 */
    assert_int_equal(pr_notify_bucket_take(&b, 20000), 1);
    assert_int_equal(pr_notify_bucket_take(&b, 20000), 0);
    b.blocked_until = 60000;                                  /* a 429's wait */
    assert_int_equal(pr_notify_bucket_take(&b, 59999), 0);
    assert_int_equal(pr_notify_bucket_take(&b, 60000), 1);
}

/* The fake transport: records bodies; answers `status` after `delay_ms`. */
typedef struct fake {
    pthread_mutex_t mu;
    int status;
    int delay_ms;
    const char *reply;
    size_t n;
    char bodies[64][1024];
    char urls[64][1024];
} fake;

static int fake_send(void *user, const pr_dl_request *rq, const char *json, double timeout_s, pr_dl_reply *out) {
    (void)timeout_s;
    fake *f = user;
    if (f->delay_ms) usleep((useconds_t)f->delay_ms * 1000);
    memset(out, 0, sizeof *out);
    out->retry_after_ms = -1;
    out->status = f->status;
    out->body = strdup(f->reply ? f->reply : "{}");
    out->len = strlen(out->body);
    pthread_mutex_lock(&f->mu);
    if (f->n < 64) {
        snprintf(f->bodies[f->n], sizeof f->bodies[0], "%s", json);
        snprintf(f->urls[f->n], sizeof f->urls[0], "%s", rq->url);
    }
    f->n++;
    pthread_mutex_unlock(&f->mu);
    return 0;
}

#define TOKEN "4242:SECRET-bot-token-for-unit-tests"

static void telegram_cfg(pr_notify_config *c, double rate, double burst, size_t queue) {
    memset(c, 0, sizeof *c);
    c->queue = queue;
    c->flush_s = 5;
    pr_notifier_config *t = &c->n[PR_NOTIFIER_telegram];
    t->on = 1;
    snprintf(t->url, sizeof t->url, "http://127.0.0.1:9");
    snprintf(t->secret, sizeof t->secret, "%s", TOKEN);
    snprintf(t->chat_id, sizeof t->chat_id, "-100");
    t->rate_per_min = rate;
    t->burst = burst;
    t->timeout_s = 1;
    t->events = (1u << PR_NOTIFY_KIND_N) - 1;
}

static void test_post_never_waits(void **state) {
    (void)state;
    fake f = {.status = 200, .delay_ms = 300};
    pthread_mutex_init(&f.mu, NULL);
    pr_notify_config c;
    telegram_cfg(&c, 1e6, 100, 4);
    pr_notify *n = NULL;
    pr_err err;
    assert_int_equal(pr_notify_new(&c, fake_send, &f, &n, &err), PR_OK);
    int64_t t0 = mono();
    for (int i = 0; i < 10; i++) pr_notify_post(n, PR_NOTIFY_TRADE_OPENED, 0, "message %d", i);
    /* Ten posts against a 300 ms transport: no wait. */
    assert_true(mono() - t0 < 100);
    /* Once the ring has drained, the next message says how many were dropped. */
    usleep(2000 * 1000);
    pr_notify_post(n, PR_NOTIFY_TRADE_OPENED, 0, "after");
    pr_notify_stats st[PR_NOTIFIER_N];
    pr_notify_close_stats(n, st);
    /* The first went to the thread at once (or sits first in the ring);
     * the ring holds 4: 4 or 5 queued, the other 5 or 6 dropped and counted. */
    const pr_notify_stats *s = &st[PR_NOTIFIER_telegram];
    assert_int_equal(s->posted, 11);
    assert_int_equal(s->unsent, 0);
    assert_true(s->queue_full == 5 || s->queue_full == 6);
    assert_int_equal(s->sent + s->queue_full, 11);
    assert_int_equal(s->sent, f.n);
    assert_string_equal(f.urls[0], "http://127.0.0.1:9/bot" TOKEN "/sendMessage");
    assert_non_null(strstr(f.bodies[0], "\"chat_id\":\"-100\""));
    assert_non_null(strstr(f.bodies[0], "\"text\":\"message 0\""));
    char want[64];
    snprintf(want, sizeof want, "after\\n(+%zu earlier messages dropped", s->queue_full);
    if (!strstr(f.bodies[f.n - 1], want)) fail_msg("last message: %s (want %s)", f.bodies[f.n - 1], want);
    pthread_mutex_destroy(&f.mu);
}

static void test_rate_limit_counts(void **state) {
    (void)state;
    fake f = {.status = 200};
    pthread_mutex_init(&f.mu, NULL);
    pr_notify_config c;
    telegram_cfg(&c, 0.0001, 2, 64);   /* a burst of 2, no refill in the test */
    pr_notify *n = NULL;
    pr_err err;
    assert_int_equal(pr_notify_new(&c, fake_send, &f, &n, &err), PR_OK);
    for (int i = 0; i < 7; i++) pr_notify_post(n, PR_NOTIFY_TRADE_CLOSED, 0, "closed %d", i);
    pr_notify_stats st[PR_NOTIFIER_N];
    pr_notify_close_stats(n, st);
    assert_int_equal(st[PR_NOTIFIER_telegram].sent, 2);
    assert_int_equal(st[PR_NOTIFIER_telegram].rate_limited, 5);
    assert_int_equal(f.n, 2);
    /* An event kind the notifier does not take is not even counted. */
    telegram_cfg(&c, 1e6, 10, 8);
    c.n[PR_NOTIFIER_telegram].events = 1u << PR_NOTIFY_DAILY;
    f.n = 0;
    assert_int_equal(pr_notify_new(&c, fake_send, &f, &n, &err), PR_OK);
    pr_notify_post(n, PR_NOTIFY_TRADE_CLOSED, 0, "no");
    pr_notify_post(n, PR_NOTIFY_DAILY, 0, "yes");
    pr_notify_close_stats(n, st);
    assert_int_equal(st[PR_NOTIFIER_telegram].posted, 1);
    assert_int_equal(f.n, 1);
    assert_non_null(strstr(f.bodies[0], "\"text\":\"yes\""));
    pthread_mutex_destroy(&f.mu);
}

static void test_429_and_redaction(void **state) {
    (void)state;
    /* The server's answer echoes the URL (and so the token). */
    fake f = {.status = 429, .reply = "{\"ok\":false,\"description\":\"slow down /bot" TOKEN
                                      "/sendMessage\",\"parameters\":{\"retry_after\":30}}"};
    pthread_mutex_init(&f.mu, NULL);
    pr_notify_config c;
    telegram_cfg(&c, 1e6, 100, 64);
    pr_notify *n = NULL;
    pr_err err;
    assert_int_equal(pr_notify_new(&c, fake_send, &f, &n, &err), PR_OK);
    pr_notify_post(n, PR_NOTIFY_ERROR, 0, "first");
    usleep(200 * 1000);   /* the 429 has come back: 30 s without a request */
    for (int i = 0; i < 5; i++) pr_notify_post(n, PR_NOTIFY_ERROR, 0, "later %d", i);
    pr_notify_stats st[PR_NOTIFIER_N];
    pr_notify_close_stats(n, st);
    const pr_notify_stats *s = &st[PR_NOTIFIER_telegram];
    assert_int_equal(f.n, 1);
    assert_int_equal(s->failed, 1);
    assert_int_equal(s->rate_limited, 5);
    assert_null(strstr(s->last_error, "SECRET-bot-token"));
    assert_null(strstr(s->last_error, "4242:SEC"));
    assert_non_null(strstr(s->last_error, "HTTP 429"));
    assert_non_null(strstr(s->last_error, "[REDACTED]"));
    pthread_mutex_destroy(&f.mu);
}

static void test_config(void **state) {
    (void)state;
    pr_config *cfg = NULL;
    pr_err err;
    pr_notify_config nc;
    setenv("PR_TEST_TG_TOKEN", TOKEN, 1);
    setenv("PR_TEST_TG_CHAT", "-7", 1);
    assert_int_equal(pr_config_parse("{\"live\":{\"notify\":{\"telegram\":{\"token_env\":\"PR_TEST_TG_TOKEN\","
                                     "\"chat_id_env\":\"PR_TEST_TG_CHAT\",\"events\":[\"trade_closed\",\"error\"]},"
                                     "\"webhook\":{\"url\":\"https://example.org/h\",\"enabled\":false}}}}",
                                     &cfg, &err),
                     PR_OK);
    assert_int_equal(pr_notify_config_read(cfg, "live.notify", &nc, &err), PR_OK);
    assert_true(nc.n[PR_NOTIFIER_telegram].on);
    assert_false(nc.n[PR_NOTIFIER_webhook].on);
    assert_string_equal(nc.n[PR_NOTIFIER_telegram].secret, TOKEN);
    assert_string_equal(nc.n[PR_NOTIFIER_telegram].chat_id, "-7");
    assert_int_equal(nc.n[PR_NOTIFIER_telegram].events, (1u << PR_NOTIFY_TRADE_CLOSED) | (1u << PR_NOTIFY_ERROR));
    /* Telegram's own defaults: 20 a minute, bursts of 5. */
    assert_true(nc.n[PR_NOTIFIER_telegram].rate_per_min == 20 && nc.n[PR_NOTIFIER_telegram].burst == 5);
    pr_config_free(cfg);
    static const char *const bad[][2] = {
        {"{\"live\":{\"notify\":{\"telegram\":{\"burst\":0}}}}", "live.notify.telegram.burst"},
        {"{\"live\":{\"notify\":{\"webhook\":{\"url\":\"x\"}}}}", "live.notify.webhook.url"},
        {"{\"live\":{\"notify\":{\"slack\":{}}}}", "live.notify.slack"},
        {"{\"live\":{\"notify\":{\"queue\":0}}}", "live.notify.queue"},
        {"{\"live\":{\"notify\":{\"telegram\":{\"token_env\":\"PR_TEST_NO_SUCH_VAR\"}}}}", "PR_TEST_NO_SUCH_VAR"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(pr_config_parse(bad[i][0], &cfg, &err), PR_OK);
        pr_err_clear(&err);
        assert_int_not_equal(pr_notify_config_read(cfg, "live.notify", &nc, &err), PR_OK);
        if (!strstr(err.msg, bad[i][1])) fail_msg("%s: %s", bad[i][1], err.msg);
        pr_config_free(cfg);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_post_never_waits),
        cmocka_unit_test(test_rate_limit_counts),
        cmocka_unit_test(test_429_and_redaction),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
