/* The Telegram notifier: Bot API sendMessage (POST {base}/bot{token}/sendMessage
 * with {"chat_id", "text"}). The token and the chat id come from the
 * environment (or .env), named by token_env / chat_id_env; the token is
 * part of the URL path, so the request is shown as /bot[REDACTED]/... and
 * every error text is redacted (notify.c). A 429 says how long to wait in
 * its body (parameters.retry_after, seconds). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/core/json_text.h"
#include "proratio/live/notify.h"

static int tg_read(const pr_config *cfg, const char *path, pr_notifier_config *out, pr_err *err) {
    static const char *const keys[] = {"enabled", "token_env", "chat_id_env", "base_url", "rate_per_min", "burst",
                                       "timeout_s", "events", NULL};
    char p[256], env_chat[64];
    int rc = pr_config_check_keys(cfg, path, keys, err);
    /* Telegram allows about 20 messages a minute to one group. */
    if (rc == PR_OK) rc = pr_notify_common_read(cfg, path, 20, 5, out, err);
    if (rc == PR_OK)
        rc = pr_config_string(cfg, pr_config_key(p, sizeof p, path, "token_env"), "TELEGRAM_BOT_TOKEN", out->key_env,
                              sizeof out->key_env, err);
    if (rc == PR_OK)
        rc = pr_config_string(cfg, pr_config_key(p, sizeof p, path, "chat_id_env"), "TELEGRAM_CHAT_ID", env_chat,
                              sizeof env_chat, err);
    if (rc == PR_OK)
        rc = pr_config_string(cfg, pr_config_key(p, sizeof p, path, "base_url"), "https://api.telegram.org", out->url,
                              sizeof out->url, err);
    if (rc != PR_OK || !out->on) return rc;
    if (strncmp(out->url, "http://", 7) != 0 && strncmp(out->url, "https://", 8) != 0)
        return pr_err_set(err, PR_EINVAL, "%s.base_url: expected an http:// or https:// URL", path);
    const char *tok = getenv(out->key_env), *chat = getenv(env_chat);
    if (!tok || !*tok)
        return pr_err_set(err, PR_EINVAL, "%s: the bot token is not set: %s is empty or missing in the environment "
                          "and .env (%s.token_env names the variable)", path, out->key_env, path);
    if (!chat || !*chat)
        return pr_err_set(err, PR_EINVAL, "%s: the chat id is not set: %s is empty or missing in the environment "
                          "and .env (%s.chat_id_env names the variable)", path, env_chat, path);
    if (strlen(tok) >= sizeof out->secret || strlen(tok) + strlen(out->url) + 32 >= sizeof((pr_dl_request *)0)->url)
        return pr_err_set(err, PR_EINVAL, "%s: the bot token in %s is too long", path, out->key_env);
    if (strlen(chat) >= sizeof out->chat_id)
        return pr_err_set(err, PR_EINVAL, "%s: the chat id in %s is too long", path, env_chat);
    pr_strlcpy(out->secret, tok, sizeof out->secret);
    pr_strlcpy(out->chat_id, chat, sizeof out->chat_id);
    return PR_OK;
}

static int tg_build(const pr_notifier_config *c, const pr_notify_msg *m, pr_dl_request *rq, char **body, pr_err *err) {
    const char *base = c->url;
    size_t bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/') bl--;
    snprintf(rq->url, sizeof rq->url, "%.*s/bot%s/sendMessage", (int)bl, base, c->secret);
    pr_strlcpy(rq->shown, "POST /bot[REDACTED]/sendMessage", sizeof rq->shown);
    char text[PR_NOTIFY_TEXT_MAX + 96];
    if (m->dropped)
        snprintf(text, sizeof text, "%s\n(+%zu earlier message%s dropped by the rate limit)", m->text, m->dropped,
                 m->dropped == 1 ? "" : "s");
    else
        pr_strlcpy(text, m->text, sizeof text);
    json_t *j = json_pack("{s:s, s:s, s:b}", "chat_id", c->chat_id, "text", text, "disable_web_page_preview", 1);
    *body = j ? pr_json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return *body ? PR_OK : pr_err_set(err, PR_ENOMEM, "telegram: cannot build the message (out of memory or not "
                                      "UTF-8)");
}

static int64_t tg_retry_after(const char *body, size_t len) {
    json_t *j = body ? json_loadb(body, len, 0, NULL) : NULL;
    json_t *ra = json_object_get(json_object_get(j, "parameters"), "retry_after");
    int64_t ms = json_is_integer(ra) && json_integer_value(ra) >= 0 ? (int64_t)json_integer_value(ra) * 1000 : -1;
    json_decref(j);
    return ms;
}

const pr_notifier_vt pr_notifier_telegram = {"telegram", tg_read, tg_build, tg_retry_after};
