/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding criu at run time, and what casing asks of every request. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/utils.h"
#include "container_internal.h"
#include "criu_internal.h"

/* Root's $PATH often lacks the sbin directories when an engine starts us. */
static const char *const criu_dirs_fallback[] = { "/usr/local/sbin", "/usr/sbin", "/sbin" };

static bool
is_executable_file (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

static char *
search_dir (const char *dir, size_t len)
{
  char *p = NULL;

  if (len == 0)
    return NULL;
  xasprintf (&p, "%.*s/criu", (int) len, dir);
  if (is_executable_file (p))
    return p;
  free (p);
  return NULL;
}

int
criu_find (const char *explicit_path, char **out, casing_error_t *err)
{
  const char *path = getenv ("PATH");

  if (explicit_path)
    {
      if (!is_executable_file (explicit_path))
        return casing_error_set (err, ENOENT, "--criu `%s` is not an executable file", explicit_path);
      *out = xstrdup (explicit_path);
      return 0;
    }
  for (const char *p = path; p && *p;)
    {
      size_t n = strcspn (p, ":");
      if ((*out = search_dir (p, n)) != NULL)
        return 0;
      p += n + (p[n] == ':');
    }
  for (size_t i = 0; i < sizeof criu_dirs_fallback / sizeof criu_dirs_fallback[0]; i++)
    if ((*out = search_dir (criu_dirs_fallback[i], strlen (criu_dirs_fallback[i]))) != NULL)
      return 0;
  return casing_error_set (err, ENOENT,
                           "checkpoint and restore need CRIU: no `criu` in $PATH, /usr/local/sbin, "
                           "/usr/sbin or /sbin (install the `criu` package, or give its path with "
                           "`casing --criu PATH`)");
}

static bool
config_joins (const oci_config *c, const char *type)
{
  for (size_t i = 0; c->linux_ && i < c->linux_->namespaces_len; i++)
    if (strcmp (c->linux_->namespaces[i].type, type) == 0)
      return c->linux_->namespaces[i].path != NULL;
  return false;
}

static bool
config_has (const oci_config *c, const char *type)
{
  for (size_t i = 0; c->linux_ && i < c->linux_->namespaces_len; i++)
    if (strcmp (c->linux_->namespaces[i].type, type) == 0)
      return true;
  return false;
}

int
criu_check_supported (const oci_config *c, bool rootless, const char *what, casing_error_t *err)
{
  const oci_seccomp *sc = c->linux_ ? c->linux_->seccomp : NULL;

  if (rootless || geteuid () != 0)
    return casing_error_set (err, EPERM, "%s: CRIU needs root; rootless containers cannot be "
                             "checkpointed or restored", what);
  /* CRIU rebuilds the container's mount namespace from the images: it has
   * to be the container's own, not the runtime's. */
  if (!config_has (c, "mount") || config_joins (c, "mount"))
    return casing_error_set (err, EINVAL, "%s: CRIU needs the container to have a mount namespace of "
                             "its own (linux.namespaces `mount` without a path)", what);
  if (config_joins (c, "user") || config_joins (c, "cgroup"))
    return casing_error_set (err, EINVAL, "%s: CRIU cannot take a %s namespace joined by path", what,
                             config_joins (c, "user") ? "user" : "cgroup");
  /* The listener of a seccomp notify filter lives outside the container:
   * CRIU can neither dump nor reconnect it. */
  if (sc && sc->listener_path)
    return casing_error_set (err, EINVAL, "%s: a seccomp notify listener (linux.seccomp.listenerPath) "
                             "cannot be checkpointed", what);
  return 0;
}

int
criu_cg_mode_parse (const char *mode, int *out, casing_error_t *err)
{
  static const struct
  {
    const char *name;
    int mode;
  } modes[] = {
    { "soft", CRIU_CG_SOFT }, { "full", CRIU_CG_FULL }, { "strict", CRIU_CG_STRICT },
    { "ignore", CRIU_CG_IGNORE },
  };

  *out = -1;
  if (mode == NULL)
    return 0;
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcmp (mode, modes[i].name) == 0)
      {
        *out = modes[i].mode;
        return 0;
      }
  return casing_error_set (err, EINVAL, "invalid --manage-cgroups-mode `%s`: use soft, full, strict or "
                           "ignore", mode);
}

int
criu_cgroups_mode_check (const char *mode, casing_error_t *err)
{
  int ignored;
  return criu_cg_mode_parse (mode, &ignored, err);
}

void
criu_opts_common (struct criu_opts *o, const struct criu_common_options *c, int cg_mode)
{
  o->tcp_established = c->tcp_established;
  o->ext_unix_sk = c->ext_unix_sk;
  o->shell_job = c->shell_job;
  o->file_locks = c->file_locks;
  o->lazy_pages = c->lazy_pages;
  o->auto_dedup = c->auto_dedup;
  o->link_remap = c->link_remap;
  o->empty_ns = c->empty_ns;
  o->notify_scripts = true;
  /* The pty master is the engine's: CRIU gives a new one back at restore. */
  o->orphan_pts_master = true;
  /* Mounts of the host's namespace that no rule here names (a fallback:
   * casing names the ones it made). */
  o->auto_ext_mnt = true;
  /* "ignore" is no cgroup handling at all: the tasks stay where criu is. */
  o->manage_cgroups = cg_mode != CRIU_CG_IGNORE;
  o->cg_mode = cg_mode;
}

const char *
criu_config_file (const oci_config *config)
{
  const char *f = config->annotations ? oci_map_get (config->annotations, "org.criu.config") : NULL;

  if (f && *f)
    return f;
  if (access ("/etc/criu/casing.conf", F_OK) == 0)
    return "/etc/criu/casing.conf";
  return NULL;
}

int
criu_empty_ns_flag (const char *name, uint32_t *flag, casing_error_t *err)
{
  static const struct
  {
    const char *name;
    uint32_t flag;
  } names[] = {
    { "network", CLONE_NEWNET }, { "net", CLONE_NEWNET },
  };

  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (name, names[i].name) == 0)
      {
        *flag = names[i].flag;
        return 0;
      }
  /* CRIU restores every other namespace with its content, or not at all. */
  return casing_error_set (err, EINVAL, "--empty-ns `%s`: only `network` can be restored empty", name);
}

/* Run `criu ARG` with its output in `out` (NULL: discarded); its exit
 * status, -1 when it could not run or outlived the timeout. */
static int
run_criu (const char *criu, const char *arg, int timeout_ms, char **out)
{
  int pipefd[2] = { -1, -1 }, status = 0;
  cleanup_close int pidfd = -1;
  pid_t pid;

  if (out && pipe2 (pipefd, O_CLOEXEC) < 0)
    return -1;
  pid = fork ();
  if (pid == 0)
    {
      int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
      signals_reset_for_child ();
      if (null < 0 || dup2 (null, 0) < 0 || dup2 (out ? pipefd[1] : null, 1) < 0 || dup2 (null, 2) < 0)
        _exit (127);
      execl (criu, "criu", arg, (char *) NULL);
      _exit (127);
    }
  if (out)
    close (pipefd[1]);
  if (pid < 0)
    {
      if (out)
        close (pipefd[0]);
      return -1;
    }
  pidfd = pidfd_open (pid, 0);
  if (out)
    {
      size_t len;
      if (read_all_fd (pipefd[0], "criu", out, &len, NULL) < 0)
        *out = NULL;
      close (pipefd[0]);
    }
  if (pidfd >= 0)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      if (poll (&p, 1, timeout_ms) <= 0)
        kill (pid, SIGKILL);
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

bool
criu_works (const char *criu_path, char **version)
{
  cleanup_free char *criu = NULL, *text = NULL;
  char *line;

  *version = NULL;
  if (criu_find (criu_path, &criu, NULL) < 0)
    return false;
  if (run_criu (criu, "--version", 10000, &text) == 0 && text
      && (line = strstr (text, "Version: ")) != NULL)
    {
      line += strlen ("Version: ");
      *version = xstrdup (line);
      (*version)[strcspn (*version, "\n")] = '\0';
    }
  /* `criu check` looks at what the running kernel offers (a few seconds
   * under emulation); it fails where criu cannot work at all. */
  return run_criu (criu, "check", 60000, NULL) == 0;
}
