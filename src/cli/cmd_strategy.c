/* `proratio strategy list`, `show NAME|PLUGIN.so` and `new NAME`: the
 * built-in strategies and the plugins found in the plugin folders, each
 * one's parameter table (key, type, default, accepted range, default
 * optimisation range, meaning) printed from the same table that validates
 * `strategy.params`, and a new plugin's source written from the example
 * plugin (examples/plugins/sma_cross_plugin.c, embedded at build time). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "plugin_template.h"
#include "proratio/engine.h"
#include "proratio/plugin.h"

static const char *const k_usage =
    "usage: proratio strategy list [--plugins DIR]...\n"
    "       proratio strategy show NAME|PLUGIN.so\n"
    "       proratio strategy new NAME [--dir DIR]\n"
    "  list     the built-in strategies and the plugins (*.so) in the plugin folders\n"
    "           (--plugins DIR, and PRORATIO_PLUGINS, folders separated by ':'), one line each\n"
    "  show     the parameters of NAME or of a plugin file (the keys of strategy.params): type,\n"
    "           default, accepted range, default optimisation range (min:max:step) and meaning\n"
    "  new      writes DIR/NAME.c (default DIR: .), a commented plugin to edit, and prints the\n"
    "           command that builds it into NAME.so\n";

void pr_cli_print_param_rows(const pr_strategy_info *info, const void *p, const char *value_title, int optimise) {
    pr_cli_print_param_rows_from(info, p, value_title, optimise, NULL, NULL);
}

void pr_cli_print_param_rows_from(const pr_strategy_info *info, const void *p, const char *value_title, int optimise,
                                  const char *(*from)(void *ctx, const char *key), void *ctx) {
    printf("%-17s %-9s %-17s %-20s %-16s %s\n", "parameter", "type", value_title, "range",
           optimise ? "optimise" : from ? "from" : "", "meaning");
    for (size_t k = 0; k < info->n_params; k++) {
        const pr_param_def *d = &info->params[k];
        char def[128], range[128], opt[48] = "-";
        pr_param_format(d, p, def, sizeof def);
        pr_param_range(d, range, sizeof range);
        if (!optimise) snprintf(opt, sizeof opt, "%s", from ? from(ctx, d->name) : "");
        else if (d->opt_step > 0) snprintf(opt, sizeof opt, "%g:%g:%g", d->opt_min, d->opt_max, d->opt_step);
        printf("%-17s %-9s %-17s %-20s %-16s %s\n", d->name, pr_param_type_name(d->type), def, range, opt, d->desc);
    }
}

int pr_cli_print_params(const pr_strategy_info *info, int optimise) {
    double p[PR_FEE_PARAMS_MAX / sizeof(double)];   /* any table's parameter struct */
    if (info->size > sizeof p) return PR_EXIT_FAIL;
    pr_params_defaults(info, p);
    printf("%s: %s\n\n", info->name, info->summary);
    if (info->n_params == 0) {
        printf("(no parameters)\n");
        return PR_EXIT_OK;
    }
    pr_cli_print_param_rows(info, p, "default", optimise);
    return PR_EXIT_OK;
}

static int ends_with(const char *s, const char *tail) {
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

static int show(const char *name) {
    if (ends_with(name, ".so")) {
        pr_plugin_handle *h = NULL;
        pr_err e;
        if (pr_plugin_open(name, &h, &e) != PR_OK) {
            fprintf(stderr, "proratio strategy: %s\n", e.msg);
            return e.code == PR_ENOTFOUND ? PR_EXIT_NOTFOUND : PR_EXIT_FAIL;
        }
        int rc = pr_cli_print_params(pr_plugin_strategy_info(h), 1);
        pr_plugin_close(h);
        return rc;
    }
    const pr_strategy_info *info = pr_strategy_info_find(name);
    if (!info) {
        fprintf(stderr, "proratio strategy: unknown strategy '%s' (see 'proratio strategy list')\n", name);
        return PR_EXIT_NOTFOUND;
    }
    return pr_cli_print_params(info, 1);
}

/* The plugins of one folder, one line each (a file that does not load is
 * listed with the reason). */
static void list_folder(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "proratio strategy: plugin folder %s: cannot open it\n", dir);
        return;
    }
    struct dirent *ent;
    char path[2048];
    while ((ent = readdir(d))) {
        if (!ends_with(ent->d_name, ".so")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        pr_plugin_handle *h = NULL;
        pr_err e;
        if (pr_plugin_open(path, &h, &e) != PR_OK) {
            printf("%-16s (plugin %s: not loadable: %s)\n", ent->d_name, path, e.msg);
            continue;
        }
        printf("%-16s %s (plugin %s)\n", pr_plugin_name(h), pr_plugin_strategy_info(h)->summary, path);
        pr_plugin_close(h);
    }
    closedir(d);
}

static int list(int argc, char **argv) {
    for (const char *const *n = pr_strategy_names(); *n; n++)
        printf("%-16s %s\n", *n, pr_strategy_info_find(*n)->summary);
    const char *env = getenv("PRORATIO_PLUGINS");
    if (env && env[0]) {
        char buf[4096];
        pr_strlcpy(buf, env, sizeof buf);
        for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
            list_folder(dir);
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--plugins") != 0 || i + 1 >= argc)
            return pr_cli_usage_error("strategy list", "expected --plugins DIR");
        list_folder(argv[++i]);
    }
    return PR_EXIT_OK;
}

/* The template with every "sma_cross_plugin" replaced by name. */
static int write_template(FILE *f, const char *name) {
    const char *t = (const char *)k_plugin_template, *k = "sma_cross_plugin";
    const size_t kl = strlen(k);
    for (const char *at; (at = strstr(t, k)); t = at + kl)
        if (fwrite(t, 1, (size_t)(at - t), f) != (size_t)(at - t) || fputs(name, f) < 0) return -1;
    return fputs(t, f) < 0 ? -1 : 0;
}

static int new_plugin(int argc, char **argv) {
    const char *name = argv[2], *dir = ".";
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--dir") != 0 || i + 1 >= argc)
            return pr_cli_usage_error("strategy new", "expected NAME [--dir DIR]");
        dir = argv[++i];
    }
    /* a C identifier: it names the file, the strategy and its symbols */
    int ok = (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_';
    for (const char *c = name; ok && *c; c++)
        ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
    if (!ok || strlen(name) > 48) {
        fprintf(stderr, "proratio strategy new: NAME '%s': use lower-case letters, digits and _ (a C identifier, "
                        "at most 48 characters)\n", name);
        return PR_EXIT_USAGE;
    }
    char path[2048];
    snprintf(path, sizeof path, "%s/%s.c", dir, name);
    struct stat st;
    if (stat(path, &st) == 0) {
        fprintf(stderr, "proratio strategy new: %s exists; not overwriting it\n", path);
        return PR_EXIT_FAIL;
    }
    FILE *f = fopen(path, "wx");
    if (!f) {
        fprintf(stderr, "proratio strategy new: cannot create %s\n", path);
        return PR_EXIT_FAIL;
    }
    int rc = write_template(f, name);
    if (fclose(f) != 0 || rc != 0) {
        fprintf(stderr, "proratio strategy new: writing %s failed\n", path);
        remove(path);
        return PR_EXIT_FAIL;
    }
    /* the headers of this build's source tree, else the installed ones */
    const char *inc = stat(PR_SOURCE_INCLUDE_DIR "/proratio/plugin.h", &st) == 0 ? PR_SOURCE_INCLUDE_DIR
                                                                                  : PR_INSTALL_INCLUDE_DIR;
    printf("wrote %s (a working SMA crossover to edit: see its comments)\n", path);
    printf("build: cc -std=c17 -O2 -fPIC -shared -I%s %s -o %s/%s.so\n", inc, path, dir, name);
    printf("use:   \"strategy\": {\"plugin\": \"%s/%s.so\", \"params\": {\"fast\": 10, \"slow\": 30}}\n", dir, name);
    return PR_EXIT_OK;
}

int pr_cli_strategy(int argc, char **argv) {
    if (argc < 2 || pr_cli_is_help(argv[1])) {
        fputs(k_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? PR_EXIT_USAGE : PR_EXIT_OK;
    }
    if (strcmp(argv[1], "list") == 0) return list(argc, argv);
    if (strcmp(argv[1], "show") == 0 && argc == 3) return show(argv[2]);
    if (strcmp(argv[1], "new") == 0 && argc >= 3) return new_plugin(argc, argv);
    return pr_cli_usage_error("strategy", "expected 'list', 'show NAME' or 'new NAME'");
}
