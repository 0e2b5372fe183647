/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The images directory (what CRIU dumps, and our descriptors.json) and
 * the work directory (CRIU's logs).  Both are handed to criu as open fds,
 * so it works in the directories we checked whatever their paths do
 * meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/utils.h"
#include "criu_internal.h"

static int
open_dir (const char *path, bool create, const char *what, casing_error_t *err)
{
  struct stat st;
  int fd;

  /* 0700: the images hold the memory of the container's processes, its
   * keys and secrets too. */
  if (create && mkdir_p (path, 0700, err) < 0)
    return casing_error_prefix (err, "%s `%s`", what, path);
  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "%s `%s`", what, path);
  if (fstat (fd, &st) < 0)
    {
      int saved = errno;
      close (fd);
      return casing_error_set (err, saved, "%s `%s`", what, path);
    }
  return fd;
}

int
criu_dirs_open (const char *image_path, const char *work_path, bool create, struct criu_dirs *d,
                casing_error_t *err)
{
  d->images = d->work = -1;
  d->work_path = xstrdup (work_path ? work_path : image_path);
  d->images = open_dir (image_path, create, "images directory", err);
  if (d->images < 0)
    return -1;
  if (work_path == NULL)
    {
      d->work = dup (d->images);
      if (d->work < 0)
        return casing_error_errno (err, "dup");
      return fcntl (d->work, F_SETFD, FD_CLOEXEC) < 0 ? casing_error_errno (err, "fcntl") : 0;
    }
  d->work = open_dir (work_path, true, "work directory", err);
  return d->work < 0 ? -1 : 0;
}

void
criu_dirs_close (struct criu_dirs *d)
{
  if (d->images >= 0)
    close (d->images);
  if (d->work >= 0)
    close (d->work);
  free (d->work_path);
  d->images = d->work = -1;
  d->work_path = NULL;
}

/* The first few "Error (...)" lines of criu's log: what went wrong, where
 * the engine shows only our message. */
static char *
log_errors (int dirfd, const char *name)
{
  cleanup_free char *text = NULL;
  char *out = xstrdup (""), *save = NULL;
  size_t len, n = 0;

  if (read_file_at (dirfd, name, &text, &len, NULL) < 0)
    return out;
  for (char *l = strtok_r (text, "\n", &save); l && n < 3; l = strtok_r (NULL, "\n", &save))
    {
      char *e = strstr (l, "Error (");
      char *joined = NULL;
      /* criu's own feature probes fail harmlessly (tun, autofs...). */
      if (e == NULL || strstr (l, "tun:") || strstr (l, "autofs"))
        continue;
      xasprintf (&joined, "%s%s%s", out, n ? "; " : "", e);
      free (out);
      out = joined;
      n++;
    }
  return out;
}

int
criu_failure (const struct criu_dirs *d, const char *log_name, const struct criu_resp *r,
              const char *what, casing_error_t *err)
{
  cleanup_free char *errors = log_errors (d->work, log_name);
  cleanup_free char *msg = xstrdup (r->cr_errmsg ? r->cr_errmsg : "");

  msg[strcspn (msg, "\n")] = '\0';
  /* criu's message is the first error of its log, which says more. */
  if (*errors)
    casing_error_set (err, 0, "criu %s failed: %s (log: %s/%s)", what, errors, d->work_path, log_name);
  else
    casing_error_set (err, 0, "criu %s failed%s%s (log: %s/%s)", what, *msg ? ": " : "", msg, d->work_path,
                      log_name);
  if (err && *err && r->cr_errno > 0)
    (*err)->status = r->cr_errno;
  return -1;
}
