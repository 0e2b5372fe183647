/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container process's stdio across a checkpoint.  An engine gives it
 * pipes (conmon, containerd's shim) or files of the host (/dev/null, a
 * log): neither can be recreated from the images, so they are recorded in
 * descriptors.json (one entry per fd 0-2, runc's format: the /proc link
 * text, or the external-file key) and, at restore, fd N of the restoring
 * casing takes the place of the dumped fd N. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "core/procfs.h"
#include "core/utils.h"
#include "criu_internal.h"
#include "json_tree.h"

#define N_STDIO 3

/* mnt_id of /proc/PID/fdinfo/FD. */
static int
fd_mount_id (pid_t pid, int fd, int *mnt_id, casing_error_t *err)
{
  cleanup_free char *path = NULL, *text = NULL;
  cleanup_close int f = -1;
  const char *p;
  size_t len;
  int64_t v;

  xasprintf (&path, "%d/fdinfo/%d", (int) pid, fd);
  f = procfs_open_verified (path, O_RDONLY, err);
  if (f < 0 || read_all_fd (f, path, &text, &len, err) < 0)
    return -1;
  p = strstr (text, "mnt_id:");
  if (p == NULL)
    return casing_error_set (err, ENOTSUP, "/proc/%s has no mnt_id", path);
  p += strlen ("mnt_id:");
  p += strspn (p, " \t");
  char *nl = strchr (p, '\n');
  if (nl)
    *nl = '\0';
  if (parse_int64 (p, &v) < 0 || v < 0 || v > INT32_MAX)
    return casing_error_set (err, EINVAL, "/proc/%s: bad mnt_id", path);
  *mnt_id = (int) v;
  return 0;
}

/* Whether mount `id` is one of the container's (its mountinfo). */
static int
container_has_mount (pid_t pid, int id, bool *out, casing_error_t *err)
{
  cleanup_free char *path = NULL, *text = NULL;
  cleanup_close int f = -1;
  char *save = NULL;
  size_t len;

  xasprintf (&path, "%d/mountinfo", (int) pid);
  f = procfs_open_verified (path, O_RDONLY, err);
  if (f < 0 || read_all_fd (f, path, &text, &len, err) < 0)
    return -1;
  *out = false;
  for (char *l = strtok_r (text, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    if (atoi (l) == id)
      *out = true;
  return 0;
}

/* The descriptors.json entry of fd `fd`; for a file outside the
 * container's mounts, also tell CRIU it is external. */
static int
describe_fd (pid_t pid, int fddir, int fd, struct criu_opts *o, char **out, casing_error_t *err)
{
  char name[16], link[4096];
  struct stat st;
  ssize_t n;
  int mnt_id = -1;
  bool inside;

  snprintf (name, sizeof name, "%d", fd);
  n = readlinkat (fddir, name, link, sizeof link - 1);
  if (n < 0)
    {
      /* A closed stdio fd: nothing to reconnect. */
      *out = xstrdup ("");
      return errno == ENOENT ? 0 : casing_error_errno (err, "readlink /proc/%d/fd/%d", (int) pid, fd);
    }
  link[n] = '\0';
  if (link[0] != '/')
    {
      *out = xstrdup (link); /* pipe:[N], socket:[N], anon_inode:... */
      return 0;
    }
  if (fstatat (fddir, name, &st, 0) < 0)
    return casing_error_errno (err, "stat /proc/%d/fd/%d", (int) pid, fd);
  if (fd_mount_id (pid, fd, &mnt_id, err) < 0 || container_has_mount (pid, mnt_id, &inside, err) < 0)
    return -1;
  if (inside)
    {
      *out = xstrdup (link);
      return 0;
    }
  xasprintf (out, "file[%x:%" PRIx64 "]", (unsigned) mnt_id, (uint64_t) st.st_ino);
  for (size_t i = 0; i < o->n_external; i++)
    if (strcmp (o->external[i], *out) == 0)
      return 0;
  criu_opts_add_external (o, "%s", *out);
  return 0;
}

static int
write_descriptors (int images_fd, char **entries, casing_error_t *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;
  int r = 0;

  if (g == NULL)
    return casing_error_set (err, ENOMEM, "yajl_gen_alloc");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < N_STDIO; i++)
    if (yajl_gen_string (g, (const unsigned char *) entries[i], strlen (entries[i])) != yajl_gen_status_ok)
      r = casing_error_set (err, EINVAL, "descriptor `%s` is not valid text", entries[i]);
  yajl_gen_array_close (g);
  if (r == 0 && yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    r = write_file_atomic_at (images_fd, CRIU_DESCRIPTORS_FILE, (const char *) buf, len, 0600, err);
  yajl_gen_free (g);
  return r;
}

int
criu_stdio_dump (pid_t pid, int images_fd, struct criu_opts *o, casing_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int fddir = -1;
  char *entries[N_STDIO] = { NULL };
  int r = 0;

  xasprintf (&path, "%d/fd", (int) pid);
  fddir = procfs_open_verified (path, O_PATH | O_DIRECTORY, err);
  if (fddir < 0)
    return -1;
  for (int fd = 0; fd < N_STDIO && r == 0; fd++)
    r = describe_fd (pid, fddir, fd, o, &entries[fd], err);
  if (r == 0)
    r = write_descriptors (images_fd, entries, err);
  for (int fd = 0; fd < N_STDIO; fd++)
    free (entries[fd]);
  return r < 0 ? casing_error_prefix (err, "record the container's stdio") : 0;
}

static bool
reconnected (const char *entry)
{
  return strncmp (entry, "pipe:", 5) == 0 || strncmp (entry, "socket:", 7) == 0
         || strncmp (entry, "file[", 5) == 0;
}

int
criu_stdio_restore (int images_fd, struct criu_opts *o, casing_error_t *err)
{
  cleanup_free char *text = NULL, *msg = NULL;
  json_node *doc;
  size_t len;

  if (read_file_at (images_fd, CRIU_DESCRIPTORS_FILE, &text, &len, err) < 0)
    return casing_error_prefix (err, "the images were not made by `casing checkpoint` or `runc checkpoint`");
  doc = json_tree_parse (text, len, &msg);
  if (doc == NULL || doc->type != JSON_ARRAY)
    {
      json_tree_free (doc);
      return casing_error_set (err, EINVAL, "%s: not a JSON array%s%s", CRIU_DESCRIPTORS_FILE,
                               msg ? ": " : "", msg ? msg : "");
    }
  for (size_t i = 0; i < doc->len && i < N_STDIO; i++)
    if (doc->vals[i]->type == JSON_STRING && reconnected (doc->vals[i]->text))
      criu_opts_add_inherit_fd (o, doc->vals[i]->text, (int) i);
  json_tree_free (doc);
  return 0;
}
