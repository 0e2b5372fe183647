/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/utils.h"
#include "validate.h"
#include "validate_checks.h"

void
problems_add (struct problem_list *l, enum problem_severity severity, const char *path,
              const char *hint, const char *fmt, ...)
{
  struct problem *p;
  va_list ap;

  l->items = xrealloc (l->items, (l->len + 1) * sizeof *l->items);
  p = &l->items[l->len++];
  p->severity = severity;
  p->path = xstrdup (path);
  p->hint = xstrdup (hint);
  va_start (ap, fmt);
  if (vasprintf (&p->message, fmt, ap) < 0)
    abort ();
  va_end (ap);
}

size_t
problems_count (const struct problem_list *l, enum problem_severity severity)
{
  size_t n = 0;
  for (size_t i = 0; i < l->len; i++)
    n += l->items[i].severity == severity;
  return n;
}

void
problems_free (struct problem_list *l)
{
  for (size_t i = 0; i < l->len; i++)
    {
      free (l->items[i].path);
      free (l->items[i].message);
      free (l->items[i].hint);
    }
  free (l->items);
  l->items = NULL;
  l->len = 0;
}

static void
check_version (const oci_config *c, struct problem_list *out)
{
  if (c->oci_version && strncmp (c->oci_version, "1.", 2) != 0)
    problems_add (out, PROBLEM_ERROR, "ociVersion", "casing implements runtime-spec 1.x",
                  "unsupported version \"%s\"", c->oci_version);
}

static void
check_root (const oci_config *c, const char *bundle, struct problem_list *out)
{
  cleanup_free char *path = NULL;
  struct stat st;

  if (c->root == NULL || c->root->path == NULL)
    {
      problems_add (out, PROBLEM_ERROR, "root", "add {\"root\": {\"path\": \"rootfs\"}}",
                    "required on Linux");
      return;
    }
  if (c->root->path[0] == '/')
    path = xstrdup (c->root->path);
  else
    xasprintf (&path, "%s/%s", bundle, c->root->path);
  if (stat (path, &st) < 0)
    problems_add (out, PROBLEM_ERROR, "root.path", "root.path is relative to the bundle directory",
                  "`%s`: %s", path, strerror (errno));
  else if (!S_ISDIR (st.st_mode))
    problems_add (out, PROBLEM_ERROR, "root.path", NULL, "`%s` is not a directory", path);
}

static void
check_process (const oci_config *c, struct problem_list *out)
{
  const oci_process *p = c->process;

  /* The spec: `process` is optional; such a container can be created and
   * `start` fails (runtime-tools' start test). */
  if (p == NULL)
    {
      problems_add (out, PROBLEM_WARNING, "process", "add one to run anything",
                    "absent: the container can be created, `start` will fail");
      return;
    }
  if (p->args == NULL || p->args_len == 0)
    problems_add (out, PROBLEM_ERROR, "process.args", "e.g. [\"sh\"]", "must not be empty");
  if (p->cwd && p->cwd[0] != '/')
    problems_add (out, PROBLEM_ERROR, "process.cwd", "the spec requires an absolute path",
                  "\"%s\" is not absolute", p->cwd);
  validate_user (p->user, out);
  validate_capabilities (p->capabilities, out);
  validate_rlimits (p, out);
  validate_lsm (c, out);
}

static void
check_hooks_kind (const oci_hook *hooks, size_t n, const char *kind, bool runtime_ns,
                  struct problem_list *out)
{
  for (size_t i = 0; i < n; i++)
    {
      char path[64];
      snprintf (path, sizeof path, "hooks.%s[%zu].path", kind, i);
      if (hooks[i].path[0] != '/')
        problems_add (out, PROBLEM_ERROR, path, "the spec requires an absolute path",
                      "\"%s\" is not absolute", hooks[i].path);
      /* Hooks that run in the runtime namespace must exist now; the others
       * resolve inside the container. */
      else if (runtime_ns && access (hooks[i].path, X_OK) < 0)
        problems_add (out, PROBLEM_ERROR, path, NULL, "`%s`: %s", hooks[i].path, strerror (errno));
    }
}

static void
check_hooks (const oci_config *c, struct problem_list *out)
{
  const oci_hooks *h = c->hooks;
  if (h == NULL)
    return;
  check_hooks_kind (h->prestart, h->prestart_len, "prestart", true, out);
  check_hooks_kind (h->create_runtime, h->create_runtime_len, "createRuntime", true, out);
  check_hooks_kind (h->create_container, h->create_container_len, "createContainer", false, out);
  check_hooks_kind (h->start_container, h->start_container_len, "startContainer", false, out);
  check_hooks_kind (h->poststart, h->poststart_len, "poststart", true, out);
  check_hooks_kind (h->poststop, h->poststop_len, "poststop", true, out);
}

void
validate_config (const oci_config *config, const char *bundle, struct problem_list *out)
{
  check_version (config, out);
  check_root (config, bundle, out);
  check_process (config, out);
  check_hooks (config, out);
  validate_mounts (config, out);
  validate_linux (config, out);
}

/* Warnings are logged; the first error becomes *err as "what: path: message". */
static int
first_error (struct problem_list *l, const char *what, casing_error_t *err)
{
  int ret = 0;

  for (size_t i = 0; i < l->len; i++)
    if (l->items[i].severity == PROBLEM_WARNING)
      log_warning ("%s: %s", l->items[i].path, l->items[i].message);
  for (size_t i = 0; i < l->len; i++)
    if (l->items[i].severity == PROBLEM_ERROR)
      {
        /* The message says what is wrong: no strerror after it. */
        ret = casing_error_set (err, 0, "%s: %s: %s", what, l->items[i].path, l->items[i].message);
        if (err && *err)
          (*err)->status = EINVAL;
        break;
      }
  problems_free (l);
  return ret;
}

int
validate_config_for_create (const oci_config *config, const char *bundle, casing_error_t *err)
{
  struct problem_list l = { 0 };

  validate_config (config, bundle, &l);
  return first_error (&l, "config.json", err);
}

int
validate_process_for_exec (const oci_process *process, const char *what, casing_error_t *err)
{
  struct problem_list l = { 0 };

  validate_user (process->user, &l);
  return first_error (&l, what, err);
}
