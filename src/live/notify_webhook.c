/* The generic webhook notifier: a JSON POST to a configured URL with
 * {"source": "proratio", "event", "ts", "text", "dropped"}. The URL may be
 * given in the config (url) or named by an environment variable (url_env)
 * when it embeds a secret (as Slack's and Discord's do); either way it is
 * redacted from every error text and shown as "POST webhook". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/core/json_text.h"
#include "proratio/live/notify.h"

static int wh_read(const pr_config *cfg, const char *path, pr_notifier_config *out, pr_err *err) {
    static const char *const keys[] = {"enabled", "url", "url_env", "rate_per_min", "burst", "timeout_s", "events",
                                       NULL};
    char p[256], url[512];
    int rc = pr_config_check_keys(cfg, path, keys, err);
    if (rc == PR_OK) rc = pr_notify_common_read(cfg, path, 60, 10, out, err);
    if (rc == PR_OK) rc = pr_config_string(cfg, pr_config_key(p, sizeof p, path, "url"), "", url, sizeof url, err);
    if (rc == PR_OK)
        rc = pr_config_string(cfg, pr_config_key(p, sizeof p, path, "url_env"), "", out->key_env, sizeof out->key_env,
                              err);
    if (rc != PR_OK || !out->on) return rc;
    if (url[0] && out->key_env[0])
        return pr_err_set(err, PR_EINVAL, "%s: give url or url_env, not both", path);
    if (out->key_env[0]) {
        const char *v = getenv(out->key_env);
        if (!v || !*v)
            return pr_err_set(err, PR_EINVAL, "%s.url_env: %s is empty or missing in the environment and .env", path,
                              out->key_env);
        if (strlen(v) >= sizeof url) return pr_err_set(err, PR_EINVAL, "%s.url_env: the URL in %s is too long", path,
                                                       out->key_env);
        pr_strlcpy(url, v, sizeof url);
    } else if (!url[0]) {
        return pr_err_set(err, PR_EINVAL, "%s: needs url (or url_env naming a variable that holds it)", path);
    }
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return pr_err_set(err, PR_EINVAL, "%s.url%s: expected an http:// or https:// URL", path,
                          out->key_env[0] ? "_env" : "");
    pr_strlcpy(out->url, url, sizeof out->url);
    pr_strlcpy(out->secret, url, sizeof out->secret);
    return PR_OK;
}

static int wh_build(const pr_notifier_config *c, const pr_notify_msg *m, pr_dl_request *rq, char **body, pr_err *err) {
    pr_strlcpy(rq->url, c->url, sizeof rq->url);
    pr_strlcpy(rq->shown, "POST webhook", sizeof rq->shown);
    char ts[PR_TIME_STR_MAX] = "";
    if (m->ts != PR_TIME_NONE) pr_time_format_iso(m->ts, ts, sizeof ts);
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I}", "source", "proratio", "event", pr_notify_kind_names[m->kind],
                          "ts", ts, "text", m->text, "dropped", (json_int_t)m->dropped);
    *body = j ? pr_json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return *body ? PR_OK : pr_err_set(err, PR_ENOMEM, "webhook: cannot build the message (out of memory or not "
                                      "UTF-8)");
}

const pr_notifier_vt pr_notifier_webhook = {"webhook", wh_read, wh_build, NULL};
