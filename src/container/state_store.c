/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "core/utils.h"
#include "state_store.h"

#define STATE_FILE "state.json"
#define LOCK_FILE "lock"
#define START_SOCKET "start.sock"

static const char *const status_names[] = {
  [CONTAINER_CREATING] = "creating",
  [CONTAINER_CREATED] = "created",
  [CONTAINER_RUNNING] = "running",
  [CONTAINER_STOPPED] = "stopped",
  [CONTAINER_PAUSED] = "paused",
};

const char *
container_status_name (enum container_status s)
{
  return status_names[s];
}

int
container_id_validate (const char *id, casing_error_t *err)
{
  size_t len = id ? strlen (id) : 0;

  if (len == 0)
    return casing_error_set (err, EINVAL, "invalid container id: empty");
  if (len > CONTAINER_ID_MAX)
    return casing_error_set (err, EINVAL, "invalid container id: longer than %d bytes",
                             CONTAINER_ID_MAX);
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return casing_error_set (err, EINVAL, "invalid container id `%s`", id);
  for (const unsigned char *p = (const unsigned char *) id; *p; p++)
    if (*p == '/' || *p <= 0x20 || *p == 0x7f)
      return casing_error_set (err, EINVAL,
                               "invalid container id `%s`: only printable characters without `/`",
                               id);
  return 0;
}

char *
state_store_path (const struct container_handle *h, const char *name)
{
  char *p;
  xasprintf (&p, "%s/%s", h->dir, name);
  return p;
}

void
container_handle_free (struct container_handle *h)
{
  if (h == NULL)
    return;
  if (h->lock_fd >= 0)
    close (h->lock_fd);
  if (h->dirfd >= 0)
    close (h->dirfd);
  casing_state_free (h->state);
  free (h->id);
  free (h->dir);
  free (h);
}

/* The errno says ENOENT (delete --force checks it) without appending
 * strerror to the wording engines match on. */
static int
error_not_found (casing_error_t *err, const char *id)
{
  casing_error_set (err, 0, "container `%s` does not exist", id);
  if (err && *err)
    (*err)->status = ENOENT;
  return -1;
}

static struct container_handle *
handle_new (const char *root, const char *id)
{
  struct container_handle *h = xmalloc0 (sizeof *h);
  h->id = xstrdup (id);
  xasprintf (&h->dir, "%s/%s", root, id);
  h->dirfd = -1;
  h->lock_fd = -1;
  return h;
}

/* Take the lock; a lock file unlinked meanwhile (the container was deleted
 * while we waited) means the container no longer exists. */
static int
handle_lock (struct container_handle *h, enum state_lock_mode mode, casing_error_t *err)
{
  struct stat st;
  int op = mode == STATE_LOCK_EXCLUSIVE ? LOCK_EX : LOCK_SH | LOCK_NB;

  /* Never through a symlink: the lock is ours, in a directory only we write. */
  h->lock_fd = openat (h->dirfd, LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (h->lock_fd < 0)
    {
      if (errno == ENOENT)
        return error_not_found (err, h->id);
      return casing_error_errno (err, "open `%s/%s`", h->dir, LOCK_FILE);
    }
  while (flock (h->lock_fd, op) < 0)
    {
      if (errno == EINTR)
        continue;
      if (errno == EWOULDBLOCK && mode == STATE_LOCK_SHARED_TRY)
        {
          h->lock_busy = true;
          break;
        }
      return casing_error_errno (err, "lock `%s/%s`", h->dir, LOCK_FILE);
    }
  if (fstat (h->lock_fd, &st) < 0)
    return casing_error_errno (err, "stat `%s/%s`", h->dir, LOCK_FILE);
  if (st.st_nlink == 0)
    return error_not_found (err, h->id);
  return 0;
}

static char *
current_owner (void)
{
  struct passwd *pw = getpwuid (geteuid ());
  char *s;
  if (pw)
    return xstrdup (pw->pw_name);
  xasprintf (&s, "%d", (int) geteuid ());
  return s;
}

int
state_store_create (const char *root, const char *id, struct container_handle **out,
                    casing_error_t *err)
{
  struct container_handle *h;

  if (container_id_validate (id, err) < 0)
    return -1;
  /* Owner-only, whatever the umask (mkdir can only take bits away): the
   * directories hold start.sock, whose peer can start the container, and
   * state nobody else needs to read.  An existing root keeps its mode (it
   * may be a shared directory picked with --root); the per-container
   * directory is what closes the way. */
  if (mkdir_p (root, 0700, err) < 0)
    return casing_error_prefix (err, "create the state root");
  h = handle_new (root, id);
  if (mkdir (h->dir, 0700) < 0)
    {
      int saved = errno;
      container_handle_free (h);
      if (saved == EEXIST)
        return casing_error_set (err, EEXIST, "container `%s` already exists", id);
      return casing_error_set (err, saved, "mkdir `%s/%s`", root, id);
    }
  /* The directory just made, not a symlink put in its place (a shared
   * --root may be writable by others). */
  h->dirfd = open (h->dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (h->dirfd < 0 || handle_lock (h, STATE_LOCK_EXCLUSIVE, err) < 0)
    {
      if (h->dirfd < 0)
        casing_error_errno (err, "open `%s`", h->dir);
      rmdir (h->dir);
      container_handle_free (h);
      return -1;
    }
  h->state = xmalloc0 (sizeof *h->state);
  h->state->id = xstrdup (id);
  h->state->status = xstrdup ("creating");
  h->state->created = time_rfc3339_now ();
  h->state->owner = current_owner ();
  *out = h;
  return 0;
}

static int
handle_load_state (struct container_handle *h, casing_error_t *err)
{
  cleanup_free char *path = state_store_path (h, STATE_FILE);
  char *msg = NULL;

  if (casing_state_parse_file (path, &h->state, &msg) < 0)
    {
      /* A create killed before its first save leaves only the directory:
       * still a container that `delete` must be able to remove. */
      if (access (path, F_OK) < 0 && errno == ENOENT)
        {
          free (msg);
          h->state = xmalloc0 (sizeof *h->state);
          h->state->id = xstrdup (h->id);
          h->state->bundle = xstrdup ("");
          h->state->status = xstrdup ("creating");
          return 0;
        }
      return casing_error_take (err, EINVAL, msg ? msg : xstrdup ("cannot parse the state file"));
    }
  return 0;
}

int
state_store_open (const char *root, const char *id, enum state_lock_mode mode,
                  struct container_handle **out, casing_error_t *err)
{
  struct container_handle *h;

  if (container_id_validate (id, err) < 0)
    return -1;
  h = handle_new (root, id);
  h->dirfd = open (h->dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (h->dirfd < 0)
    {
      int saved = errno;
      container_handle_free (h);
      if (saved == ENOENT || saved == ENOTDIR)
        return error_not_found (err, id);
      return casing_error_set (err, saved, "open `%s/%s`", root, id);
    }
  if (handle_lock (h, mode, err) < 0 || handle_load_state (h, err) < 0)
    {
      container_handle_free (h);
      return -1;
    }
  *out = h;
  return 0;
}

int
state_store_write (struct container_handle *h, const char *name, const char *data, size_t len,
                   casing_error_t *err)
{
  if (write_file_atomic_at (h->dirfd, name, data, len, 0600, err) < 0)
    return casing_error_prefix (err, "`%s`", h->dir);
  return 0;
}

int
state_store_save (struct container_handle *h, casing_error_t *err)
{
  cleanup_free char *json = NULL;
  char *msg = NULL;

  json = casing_state_generate (h->state, true, &msg);
  if (json == NULL)
    return casing_error_take (err, EINVAL, msg ? msg : xstrdup ("cannot generate the state file"));
  return state_store_write (h, STATE_FILE, json, strlen (json), err);
}

int
state_store_remove (struct container_handle *h, casing_error_t *err)
{
  cleanup_close int parent = -1;
  cleanup_free char *root = xstrdup (h->dir);
  char *slash = strrchr (root, '/');

  if (slash == NULL)
    return casing_error_set (err, EINVAL, "invalid state directory `%s`", h->dir);
  *slash = '\0';
  parent = open (*root ? root : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0)
    return casing_error_errno (err, "open `%s`", root);
  return remove_tree_at (parent, h->id, err);
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
state_store_list (const char *root, char ***ids, casing_error_t *err)
{
  cleanup_dir DIR *d = opendir (root);
  struct dirent *de;
  size_t n = 0, cap = 16;
  char **v;

  if (d == NULL)
    {
      if (errno != ENOENT)
        return casing_error_errno (err, "open `%s`", root);
      *ids = xmalloc0 (sizeof (char *));
      return 0;
    }
  v = xmalloc0 (cap * sizeof (char *));
  while ((de = readdir (d)) != NULL)
    {
      /* Every valid id, a leading dot included (runc's rule allows it):
       * nothing else lives in the root, and no container may hide here. */
      if (container_id_validate (de->d_name, NULL) < 0)
        continue;
      if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
        continue;
      if (n + 2 > cap)
        v = xrealloc (v, (cap *= 2) * sizeof (char *));
      v[n++] = xstrdup (de->d_name);
    }
  v[n] = NULL;
  qsort (v, n, sizeof (char *), compare_strings);
  *ids = v;
  return 0;
}

void
state_store_free_ids (char **ids)
{
  for (char **p = ids; p && *p; p++)
    free (*p);
  free (ids);
}

bool
container_pid_matches (pid_t pid, uint64_t start_time)
{
  char st;
  uint64_t t;

  if (pid <= 0 || process_stat (pid, &st, &t, NULL) < 0)
    return false;
  return t == start_time && st != 'Z' && st != 'X' && st != 'x';
}

static bool
state_pid_alive (const casing_state *s)
{
  return s->has_pid && s->has_pid_start_time && container_pid_matches (s->pid, s->pid_start_time);
}

static bool
cgroup_frozen (const casing_state *s)
{
  struct cgroup_manager *m = NULL;
  bool frozen = false;

  if (cgroup_manager_load (s, &m, NULL) < 0)
    return false;
  if (cgroup_manager_is_frozen (m, &frozen, NULL) < 0)
    frozen = false;
  cgroup_manager_free (m);
  return frozen;
}

int
container_status_get (struct container_handle *h, enum container_status *out, casing_error_t *err)
{
  const casing_state *s = h->state;
  struct stat st;

  (void) err;
  if (s->status && strcmp (s->status, "creating") == 0)
    {
      /* create holds the lock until it is done: a free lock means it died. */
      *out = h->lock_busy ? CONTAINER_CREATING : CONTAINER_STOPPED;
      return 0;
    }
  if (!state_pid_alive (s))
    {
      *out = CONTAINER_STOPPED;
      return 0;
    }
  if (fstatat (h->dirfd, START_SOCKET, &st, AT_SYMLINK_NOFOLLOW) == 0)
    *out = CONTAINER_CREATED;
  else
    *out = CONTAINER_RUNNING;
  if (cgroup_frozen (s))
    *out = CONTAINER_PAUSED;
  return 0;
}

int
container_pidfd_open (const struct container_handle *h, casing_error_t *err)
{
  const casing_state *s = h->state;
  int fd;

  if (!s->has_pid || !s->has_pid_start_time)
    return casing_error_set (err, ESRCH, "container `%s` has no process", h->id);
  fd = pidfd_open (s->pid, 0);
  if (fd < 0)
    return casing_error_errno (err, "container `%s`: open its process %d", h->id, (int) s->pid);
  /* Checked after pidfd_open: if the pid still has the recorded start time
   * now, the pidfd refers to our process and cannot be recycled later. */
  if (!container_pid_matches (s->pid, s->pid_start_time))
    {
      close (fd);
      return casing_error_set (err, ESRCH, "container `%s`: container not running", h->id);
    }
  return fd;
}

char *
container_state_json (const struct container_handle *h, enum container_status status, bool pretty,
                      casing_error_t *err)
{
  const casing_state *s = h->state;
  oci_state o = {
    .oci_version = (char *) OCI_SPEC_VERSION,
    .id = h->id,
    .status = (char *) container_status_name (status),
    .bundle = s->bundle ? s->bundle : (char *) "",
    .rootfs = s->rootfs ? s->rootfs : (char *) "",
    .created = s->created ? s->created : (char *) "",
    .owner = s->owner ? s->owner : (char *) "",
  };
  char *msg = NULL, *json;

  if (status != CONTAINER_STOPPED && s->has_pid)
    {
      o.has_pid = true;
      o.pid = s->pid;
    }
  o.annotations = s->annotations;
  json = oci_state_generate (&o, pretty, &msg);
  if (json == NULL)
    casing_error_take (err, EINVAL, msg ? msg : xstrdup ("cannot generate the state JSON"));
  return json;
}
