/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Real-kernel test of the root filesystem setup without the container
 * lifecycle: a child unshares a mount namespace and runs rootfs_prepare,
 * rootfs_pivot and rootfs_finalize on a busybox rootfs made here, then
 * checks what it sees.  Run once with openat2 and once with the fallback
 * walk.  Needs root (skipped otherwise). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isolation/isolation.h"
#include "isolation/isolation_internal.h"
#include "core/utils.h"
#include "unit_test.h"

#define TMPFS_MAGIC 0x01021994

static char bundle[PATH_MAX];
static char rootfs[PATH_MAX + 16];
static char escape_name[64];
static bool host_has_v1_memory;

static void
xsystem (const char *fmt, ...)
{
  char *cmd;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&cmd, fmt, ap) < 0)
    abort ();
  va_end (ap);
  if (system (cmd) != 0)
    {
      fprintf (stderr, "command failed: %s\n", cmd);
      exit (99);
    }
  free (cmd);
}

static void
make_bundle (void)
{
  snprintf (bundle, sizeof bundle, "/tmp/casing-rootfs-test-XXXXXX");
  if (mkdtemp (bundle) == NULL)
    exit (99);
  snprintf (rootfs, sizeof rootfs, "%s/rootfs", bundle);
  snprintf (escape_name, sizeof escape_name, "casing-escape-%d", (int) getpid ());
  xsystem ("mkdir -p %s/bin %s/proc %s/sys %s/dev %s/tmp %s/etc %s/mnt %s/etc/sub", rootfs, rootfs, rootfs,
           rootfs, rootfs, rootfs, rootfs, rootfs);
  xsystem ("cp /bin/busybox %s/bin/busybox 2>/dev/null || cp $(command -v busybox) %s/bin/busybox", rootfs,
           rootfs);
  xsystem ("echo 'root:x:0:0:root:/root:/bin/sh' > %s/etc/passwd && echo sub > %s/etc/sub/file"
           " && ln -s passwd %s/etc/pw-link",
           rootfs, rootfs, rootfs);
  xsystem ("mkdir -p %s/data && echo hello > %s/data/hello && echo f > %s/onefile", bundle, bundle, bundle);
  /* The escape attempts: a destination that is a symlink climbing out of
   * the rootfs, and an absolute one. */
  xsystem ("ln -s ../../../../../../tmp/%s %s/escape", escape_name, rootfs);
  xsystem ("ln -s /tmp/%s-abs %s/escape-abs", escape_name, rootfs);
}

static oci_mount
mnt (const char *dest, const char *type, const char *source, const char *opts)
{
  oci_mount m = { 0 };
  m.destination = xstrdup (dest);
  m.type = type ? xstrdup (type) : NULL;
  m.source = source ? xstrdup (source) : NULL;
  if (opts)
    {
      char *copy = xstrdup (opts), *save = NULL;
      m.options = xmalloc0 (32 * sizeof (char *));
      for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
        m.options[m.options_len++] = xstrdup (t);
      free (copy);
    }
  return m;
}

static oci_config *
make_config (void)
{
  oci_config *c = xmalloc0 (sizeof *c);
  static char *masked[] = { "/proc/kcore", "/sys/firmware", "/proc/does-not-exist", "/proc/acpi", "/proc/keys" };
  static char *ro[] = { "/proc/sys", "/proc/sysrq-trigger" };
  static oci_namespace ns[] = { { "mount", NULL } };
  oci_device *dev;

  c->root = xmalloc0 (sizeof *c->root);
  c->root->path = "rootfs";
  c->root->readonly = c->root->has_readonly = true;
  c->mounts = xmalloc0 (16 * sizeof (oci_mount));
  c->mounts[c->mounts_len++] = mnt ("/proc", "proc", "proc", NULL);
  c->mounts[c->mounts_len++] = mnt ("/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k");
  c->mounts[c->mounts_len++] = mnt ("/dev/pts", "devpts", "devpts",
                                    "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620");
  c->mounts[c->mounts_len++] = mnt ("/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k");
  c->mounts[c->mounts_len++] = mnt ("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro");
  c->mounts[c->mounts_len++] = mnt ("/mnt/data", "bind", "data", "rbind,ro,nosuid");
  c->mounts[c->mounts_len++] = mnt ("/mnt/newdir/onefile", NULL, "onefile", "bind,ro");
  c->mounts[c->mounts_len++] = mnt ("/escape", "tmpfs", "tmpfs", "size=1m");
  c->mounts[c->mounts_len++] = mnt ("/escape-abs/deeper", "tmpfs", "tmpfs", "size=1m,noexec");
  c->mounts[c->mounts_len++] = mnt ("/etc", "tmpfs", "tmpfs", "tmpcopyup,mode=755");
  c->mounts[c->mounts_len++] = mnt ("/sys/fs/cgroup", "cgroup", "cgroup", "ro,nosuid,nodev,noexec");
  c->linux_ = xmalloc0 (sizeof *c->linux_);
  c->linux_->namespaces = ns;
  c->linux_->namespaces_len = 1;
  c->linux_->masked_paths = masked;
  c->linux_->masked_paths_len = 5;
  c->linux_->readonly_paths = ro;
  c->linux_->readonly_paths_len = 2;
  c->linux_->rootfs_propagation = "rprivate";
  dev = c->linux_->devices = xmalloc0 (2 * sizeof *dev);
  c->linux_->devices_len = 2;
  dev[0] = (oci_device) { .type = "c", .path = "/dev/fuse", .has_major = true, .major = 10, .has_minor = true,
                          .minor = 229, .has_file_mode = true, .file_mode = 0640, .has_gid = true, .gid = 5 };
  dev[1] = (oci_device) { .type = "p", .path = "/dev/custom/fifo", .has_file_mode = true, .file_mode = 0600 };
  return c;
}

static bool
mountinfo_has (const char *mountpoint, const char *needle)
{
  FILE *f = fopen ("/proc/self/mountinfo", "re");
  char line[4096];
  bool found = false;
  while (f && fgets (line, sizeof line, f))
    {
      char mp[PATH_MAX];
      if (sscanf (line, "%*s %*s %*s %*s %4095s", mp) == 1 && strcmp (mp, mountpoint) == 0
          && (needle == NULL || strstr (line, needle)))
        found = true;
    }
  if (f)
    fclose (f);
  return found;
}

static long
fs_type (const char *path)
{
  struct statfs s;
  return statfs (path, &s) == 0 ? (long) s.f_type : -1;
}

static bool
is_char (const char *path, unsigned maj, unsigned min)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISCHR (st.st_mode) && st.st_rdev == makedev (maj, min);
}

static bool
write_fails_with (const char *path, int want)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  int e = errno;
  if (fd >= 0)
    {
      close (fd);
      return false;
    }
  errno = e;
  return e == want;
}

static int
run_busybox (void)
{
  int status;
  pid_t pid = fork ();
  if (pid == 0)
    {
      execl ("/bin/busybox", "busybox", "test", "-c", "/dev/null", NULL);
      _exit (127);
    }
  if (pid < 0 || waitpid (pid, &status, 0) < 0)
    return -1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
check_inside (void)
{
  char buf[256] = "";
  struct stat st;
  int fd;
  ssize_t n;

  CHECK_MSG (is_char ("/dev/null", 1, 3), "/dev/null is 1:3");
  CHECK_MSG (is_char ("/dev/zero", 1, 5) && is_char ("/dev/full", 1, 7) && is_char ("/dev/urandom", 1, 9)
             && is_char ("/dev/random", 1, 8) && is_char ("/dev/tty", 5, 0),
         "default devices");
  CHECK_MSG (readlink ("/dev/ptmx", buf, sizeof buf) > 0 && strcmp (buf, "pts/ptmx") == 0, "/dev/ptmx -> pts/ptmx");
  CHECK_MSG (lstat ("/dev/fd", &st) == 0 && S_ISLNK (st.st_mode), "/dev/fd symlink");
  CHECK_MSG (lstat ("/dev/stderr", &st) == 0 && S_ISLNK (st.st_mode), "/dev/stderr symlink");
  CHECK_MSG (is_char ("/dev/fuse", 10, 229) && stat ("/dev/fuse", &st) == 0 && (st.st_mode & 07777) == 0640
             && st.st_gid == 5,
         "linux.devices /dev/fuse 10:229 mode 0640 gid 5");
  CHECK_MSG (stat ("/dev/custom/fifo", &st) == 0 && S_ISFIFO (st.st_mode), "fifo device");
  fd = open ("/proc/keys", O_RDONLY | O_CLOEXEC);
  n = fd >= 0 ? read (fd, buf, sizeof buf) : -1;
  CHECK_MSG (fd >= 0 && n == 0 && is_char ("/proc/keys", 1, 3), "masked /proc/keys is /dev/null");
  CHECK_MSG (fs_type ("/proc/acpi") == TMPFS_MAGIC, "masked /proc/acpi is a tmpfs");
  if (fd >= 0)
    close (fd);
  CHECK_MSG (fs_type ("/sys/firmware") == TMPFS_MAGIC && write_fails_with ("/sys/firmware/x", EROFS),
         "masked /sys/firmware is a read-only tmpfs");
  CHECK_MSG (write_fails_with ("/proc/sys/kernel/hostname", EROFS), "readonly /proc/sys");
  CHECK_MSG (write_fails_with ("/mnt/data/new", EROFS), "ro bind mount is read-only");
  fd = open ("/mnt/data/hello", O_RDONLY | O_CLOEXEC);
  CHECK_MSG (fd >= 0, "bind mount content visible");
  if (fd >= 0)
    close (fd);
  CHECK_MSG (stat ("/mnt/newdir/onefile", &st) == 0 && S_ISREG (st.st_mode) && write_fails_with ("/mnt/newdir/onefile", EROFS),
         "file bind mount created as a file, read-only");
  CHECK_MSG (write_fails_with ("/newfile", EROFS), "root.readonly");
  CHECK_MSG (fs_type ("/etc") == TMPFS_MAGIC && stat ("/etc/passwd", &st) == 0 && stat ("/etc/sub/file", &st) == 0
             && lstat ("/etc/pw-link", &st) == 0 && S_ISLNK (st.st_mode),
         "tmpcopyup copied the image's /etc");
  snprintf (buf, sizeof buf, "/tmp/%s", escape_name);
  CHECK_MSG (fs_type (buf) == TMPFS_MAGIC, "symlink destination resolved inside the rootfs (%s)", buf);
  snprintf (buf, sizeof buf, "/tmp/%s-abs/deeper", escape_name);
  CHECK_MSG (fs_type (buf) == TMPFS_MAGIC && mountinfo_has (buf, "noexec"), "absolute symlink destination inside");
  CHECK_MSG (mountinfo_has ("/", " ro"), "mountinfo shows / read-only");
  CHECK_MSG (mountinfo_has ("/dev/pts", "ptmxmode=666"), "devpts newinstance with ptmxmode");
  CHECK_MSG (mountinfo_has ("/sys", " ro,") && mountinfo_has ("/sys", "nosuid"), "sysfs ro,nosuid");
  if (host_has_v1_memory)
    {
      CHECK_MSG (mountinfo_has ("/sys/fs/cgroup", NULL) && access ("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK) == 0,
             "cgroup mount has the v1 memory hierarchy");
      CHECK_MSG (access ("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0, "cgroup mount has unified cgroup2");
    }
  else
    CHECK_MSG (access ("/sys/fs/cgroup/cgroup.procs", F_OK) == 0, "cgroup mount is the cgroup2 hierarchy");
  CHECK_MSG (! mountinfo_has ("/work", NULL) && ! mountinfo_has (bundle, NULL), "old root detached");
  CHECK_MSG (run_busybox () == 0, "busybox runs in the new root");
}

/* In a child (the mount namespace stays there): 0 when every check held. */
static int
run_child (bool fallback)
{
  oci_config *c = make_config ();
  casing_error_t err = NULL;
  struct rootfs_context ctx = { .config = c, .rootfs = rootfs, .bundle = bundle, .rootfs_fd = -1, .pid_ns_fd = -1 };

  path_resolve_force_fallback (fallback);
  if (unshare (CLONE_NEWNS) < 0)
    return 99;
  if (rootfs_prepare (&ctx, &err) < 0 || rootfs_pivot (&ctx, &err) < 0 || rootfs_finalize (&ctx, &err) < 0)
    {
      fprintf (stderr, "setup failed: %s\n", err->msg);
      return 1;
    }
  check_inside ();
  return unit_failures ? 1 : 0;
}

/* Without a mount namespace in the config, the mounts are made in the
 * caller's namespace below the rootfs (a private namespace of this child
 * stands for the host's), and rootfs_release_host_mounts detaches them. */
static int
run_release_child (void)
{
  oci_config *c = make_config ();
  casing_error_t err = NULL;
  struct rootfs_context ctx = { .config = c, .rootfs = rootfs, .bundle = bundle, .rootfs_fd = -1, .pid_ns_fd = -1 };
  struct rootfs_context at_root = { .config = c, .rootfs = "/", .bundle = bundle, .rootfs_fd = -1, .pid_ns_fd = -1 };
  char proc[PATH_MAX + 32];

  if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return 99;
  c->linux_->namespaces_len = 0;
  snprintf (proc, sizeof proc, "%s/proc", rootfs);
  CHECK_MSG (rootfs_prepare (&at_root, &err) < 0 && err && strstr (err->msg, "without a `mount` namespace"),
             "no mount namespace: the host's / refused as the rootfs");
  casing_error_release (&err);
  CHECK_MSG (rootfs_prepare (&ctx, &err) == 0, "no mount namespace: rootfs prepared in the caller's namespace");
  CHECK_MSG (mountinfo_has (rootfs, "") && mountinfo_has (proc, "proc"), "rootfs bound, /proc mounted below it");
  c->linux_->namespaces_len = 1;
  CHECK_MSG (rootfs_release_host_mounts (c, rootfs, &err) == 0 && mountinfo_has (proc, "proc"),
             "with a mount namespace, release is a no-op");
  c->linux_->namespaces_len = 0;
  CHECK_MSG (rootfs_release_host_mounts (c, rootfs, &err) == 0 && ! mountinfo_has (rootfs, "")
             && ! mountinfo_has (proc, ""), "without, release detaches the rootfs tree");
  CHECK_MSG (rootfs_release_host_mounts (c, rootfs, &err) == 0, "release twice is fine");
  return unit_failures ? 1 : 0;
}

static bool
child_succeeds (int (*fn) (bool), bool arg)
{
  pid_t pid;
  int status;

  fflush (NULL);
  pid = fork ();
  if (pid == 0)
    _exit (fn (arg));
  return pid > 0 && waitpid (pid, &status, 0) == pid && WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

static int
release_child (bool unused)
{
  (void) unused;
  return run_release_child ();
}

static void
test_release (void)
{
  CHECK (child_succeeds (release_child, false));
}

static void
test_mode (bool fallback)
{
  char path[PATH_MAX];

  CHECK (child_succeeds (run_child, fallback));
  snprintf (path, sizeof path, "/tmp/%s", escape_name);
  CHECK_MSG (access (path, F_OK) < 0, "%s was not created on the host", path);
  snprintf (path, sizeof path, "/tmp/%s-abs", escape_name);
  CHECK_MSG (access (path, F_OK) < 0, "%s was not created on the host", path);
  xsystem ("rm -rf %s/rootfs/tmp/casing-escape-* %s/rootfs/dev/* %s/rootfs/mnt/newdir", bundle, bundle, bundle);
}

int
main (void)
{
  if (geteuid () != 0)
    return unit_skip_all ("test_isolation_rootfs", "needs root");
  host_has_v1_memory = access ("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK) == 0;
  make_bundle ();
  UNIT_RUN (test_mode (false));
  UNIT_RUN (test_mode (true));
  UNIT_RUN (test_release ());
  xsystem ("rm -rf %s", bundle);
  return unit_done ("test_isolation_rootfs");
}
