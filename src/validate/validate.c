/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The problem list, the checks of the config's top level (version, root,
 * process, hooks), and the order of the groups of checks. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/utils.h"
#include "isolation/isolation.h"
#include "validate.h"
#include "validate_checks.h"

static void
problems_addv (struct problem_list *l, enum problem_severity severity, const char *path, const char *hint,
               const char *fmt, va_list ap)
{
  struct problem *p;

  l->items = xrealloc (l->items, (l->len + 1) * sizeof *l->items);
  p = &l->items[l->len++];
  p->severity = severity;
  p->undecided = false;
  p->path = xstrdup (path);
  p->hint = xstrdup (hint);
  if (vasprintf (&p->message, fmt, ap) < 0)
    abort ();
}

void
problems_add (struct problem_list *l, enum problem_severity severity, const char *path,
              const char *hint, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  problems_addv (l, severity, path, hint, fmt, ap);
  va_end (ap);
}

void
problems_undecided (struct problem_list *l, const char *path, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  problems_addv (l, PROBLEM_WARNING, path,
                 "it depends on the container's own view: only `create` can decide, once mounts and "
                 "createContainer hooks are done",
                 fmt, ap);
  va_end (ap);
  l->items[l->len - 1].undecided = true;
}

/* Messages of the code that converts and applies values start with the
 * JSON path of the value ("linux.seccomp.syscalls[2].action: ..."): that
 * becomes the problem's path when it lies within `within`. */
void
problems_add_error (struct problem_list *l, const char *within, const char *hint, const casing_error_t err)
{
  const char *msg = err && err->msg ? err->msg : "refused";
  const char *colon = strstr (msg, ": ");
  size_t n = strlen (within);
  cleanup_free char *path = NULL;

  if (colon && strncmp (msg, within, n) == 0 && strchr ("[.:", msg[n]) && memchr (msg, ' ', colon - msg) == NULL)
    {
      path = strndup (msg, colon - msg);
      msg = colon + 2;
    }
  problems_add (l, PROBLEM_ERROR, path ? path : within, hint, "%s", msg);
}

bool
problems_at (const struct problem_list *l, size_t since, const char *prefix)
{
  size_t n = strlen (prefix);

  for (size_t i = since; i < l->len; i++)
    if (l->items[i].severity == PROBLEM_ERROR && strncmp (l->items[i].path, prefix, n) == 0)
      return true;
  return false;
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

/* The host path of root.path (relative to the bundle), or NULL when it is
 * not a directory. */
static char *
check_root (const oci_config *c, const char *bundle, struct problem_list *out)
{
  cleanup_free char *path = NULL;
  char resolved[PATH_MAX];
  struct stat st;

  if (c->root == NULL || c->root->path == NULL)
    {
      problems_add (out, PROBLEM_ERROR, "root", "add {\"root\": {\"path\": \"rootfs\"}}", "required on Linux");
      return NULL;
    }
  if (c->root->path[0] == '/')
    path = xstrdup (c->root->path);
  else
    xasprintf (&path, "%s/%s", bundle, c->root->path);
  if (stat (path, &st) < 0)
    {
      problems_add (out, PROBLEM_ERROR, "root.path", "root.path is relative to the bundle directory", "`%s`: %s",
                    path, errno == ENOENT ? "no such directory" : "cannot be reached");
      return NULL;
    }
  if (!S_ISDIR (st.st_mode))
    {
      problems_add (out, PROBLEM_ERROR, "root.path", NULL, "`%s` is not a directory", path);
      return NULL;
    }
  if (realpath (path, resolved) && strcmp (resolved, "/") == 0 && !config_has_namespace (c, "mount"))
    problems_add (out, PROBLEM_ERROR, "root.path", "add {\"type\": \"mount\"} to linux.namespaces",
                  "the host's `/` cannot be the root filesystem without a `mount` namespace: its /proc, /dev "
                  "and /sys would be mounted over");
  return steal_pointer (&path);
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
        problems_add (out, PROBLEM_ERROR, path, NULL, "`%s` %s", hooks[i].path,
                      errno == ENOENT ? "does not exist" : "is not executable");
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
validate_config (const oci_config *config, const char *bundle, struct problem_list *out,
                 struct seccomp_program **seccomp, bool probe)
{
  cleanup_free char *rootfs = NULL;

  if (seccomp)
    *seccomp = NULL;
  check_version (config, out);
  rootfs = check_root (config, bundle, out);
  /* The spec: `process` is optional; such a container can be created and
   * `start` fails (runtime-tools' start test). */
  if (config->process == NULL)
    problems_add (out, PROBLEM_WARNING, "process", "add one to run anything",
                  "absent: the container can be created, `start` will fail");
  else
    validate_process (config, rootfs, out);
  validate_lsm (config, out);
  check_hooks (config, out);
  validate_mounts (config, bundle, out);
  validate_linux (config, out);
  if (config->linux_ && config->linux_->seccomp)
    validate_seccomp (config->linux_->seccomp, out, seccomp);
  if (probe)
    validate_probe (config, out);
}

/* Warnings are logged; the first error becomes *err as "what: path: message". */
static int
first_error (struct problem_list *l, const char *what, casing_error_t *err)
{
  int ret = 0;

  /* Not what create decides itself: engines read the first line of the
   * log, which must be the error when there is one. */
  for (size_t i = 0; i < l->len; i++)
    if (l->items[i].severity == PROBLEM_WARNING && !l->items[i].undecided)
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
validate_config_for_create (const oci_config *config, const char *bundle, struct seccomp_program **seccomp,
                            casing_error_t *err)
{
  struct problem_list l = { 0 };

  /* No probe: the init applies those attributes itself before any hook
   * runs, so the kernel's refusal stops create there; the fork of a probe
   * would cost every container a few milliseconds. */
  validate_config (config, bundle, &l, seccomp, false);
  if (problems_count (&l, PROBLEM_ERROR) > 0 && seccomp && *seccomp)
    {
      seccomp_program_free (*seccomp);
      *seccomp = NULL;
    }
  return first_error (&l, "config.json", err);
}

int
validate_process_for_exec (const oci_process *process, const char *what, casing_error_t *err)
{
  struct problem_list l = { 0 };

  validate_process_alone (process, &l);
  return first_error (&l, what, err);
}
