/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pure parts of the container lifecycle: ids, signal names, the sync
 * protocol, environments, hooks with timeouts, the state store. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container/container_internal.h"
#include "container/hooks.h"
#include "container/signals.h"
#include "container/state_store.h"
#include "container/sync.h"
#include "core/error.h"
#include "unit_test.h"
#include "core/utils.h"

static void
test_ids (void)
{
  casing_error_t err = NULL;
  char long_id[CONTAINER_ID_MAX + 2];

  memset (long_id, 'a', sizeof long_id - 1);
  long_id[sizeof long_id - 1] = '\0';
  CHECK (container_id_validate ("abc-123_x.y", &err) == 0);
  CHECK (container_id_validate ("a/b", &err) < 0);
  CHECK (strstr (err->msg, "invalid container id") != NULL);
  casing_error_release (&err);
  CHECK (container_id_validate ("..", NULL) < 0);
  CHECK (container_id_validate (".", NULL) < 0);
  CHECK (container_id_validate ("", NULL) < 0);
  CHECK (container_id_validate ("a b", NULL) < 0);
  CHECK (container_id_validate ("a\nb", NULL) < 0);
  CHECK (container_id_validate (long_id, NULL) < 0);
  long_id[CONTAINER_ID_MAX] = '\0';
  CHECK (container_id_validate (long_id, NULL) == 0);
}

static void
test_signals (void)
{
  int s = 0;

  CHECK (signal_parse ("TERM", &s, NULL) == 0 && s == SIGTERM);
  CHECK (signal_parse ("SIGKILL", &s, NULL) == 0 && s == SIGKILL);
  CHECK (signal_parse ("sigusr1", &s, NULL) == 0 && s == SIGUSR1);
  CHECK (signal_parse ("9", &s, NULL) == 0 && s == 9);
  CHECK (signal_parse ("RTMIN+2", &s, NULL) == 0 && s == SIGRTMIN + 2);
  CHECK (signal_parse ("SIGRTMAX-1", &s, NULL) == 0 && s == SIGRTMAX - 1);
  CHECK (signal_parse ("SIGRTMAX", &s, NULL) == 0 && s == SIGRTMAX);
  CHECK (signal_parse ("0", &s, NULL) < 0);
  CHECK (signal_parse ("65", &s, NULL) < 0);
  CHECK (signal_parse ("NOPE", &s, NULL) < 0);
  CHECK (signal_parse ("RTMIN-1", &s, NULL) < 0);
  CHECK (signal_parse ("", &s, NULL) < 0);
}

static void
test_sync (void)
{
  casing_error_t err = NULL, sent = NULL;
  struct sync_msg m = { .fd = -1 };
  int fds[2];

  CHECK (sync_socketpair (fds, &err) == 0);
  CHECK (sync_send (fds[0], SYNC_CONSOLE, "/dev/pts/3", 10, 0, &err) == 0);
  CHECK (sync_recv (fds[1], &m, &err) == 1);
  CHECK (m.type == SYNC_CONSOLE && m.fd >= 0);
  CHECK_STR (m.payload, "/dev/pts/3");
  sync_msg_clear (&m);
  casing_error_set (&sent, ENOENT, "mount `%s`", "/proc");
  sync_send_error (fds[0], sent);
  CHECK (sync_expect (fds[1], SYNC_READY, &m, "test", &err) < 0);
  CHECK_STR (err->msg, "mount `/proc`: No such file or directory");
  CHECK (err->status == ENOENT);
  casing_error_release (&err);
  casing_error_release (&sent);
  close (fds[0]);
  CHECK (sync_expect (fds[1], SYNC_READY, &m, "test", &err) < 0);
  CHECK (strstr (err->msg, "exited") != NULL);
  casing_error_release (&err);
  close (fds[1]);
}

static void
test_env (void)
{
  char *base[] = { "A=1", "PATH=/bin", NULL };
  char **e = env_set (base, "PATH", "/usr/bin");
  char **f = env_set (base, "B", "2");
  char *args[] = { "x", "y" };
  char **t = strv_terminated (args, 2);

  CHECK_STR (e[0], "A=1");
  CHECK_STR (e[1], "PATH=/usr/bin");
  CHECK (e[2] == NULL);
  CHECK_STR (f[2], "B=2");
  CHECK (f[3] == NULL);
  CHECK (t[2] == NULL && strcmp (t[1], "y") == 0);
  free (e[1]);
  free (e);
  free (f[2]);
  free (f);
  free (t);
}

static void
test_hooks (void)
{
  casing_error_t err = NULL;
  char *args[] = { "sh", "-c", "read x; [ \"$x\" = '{\"a\":1}' ]" };
  char *sleeper[] = { "sh", "-c", "sleep 10" };
  oci_hook ok = { .path = (char *) "/bin/sh", .args = args, .args_len = 3 };
  oci_hook slow = { .path = (char *) "/bin/sh", .args = sleeper, .args_len = 3,
                    .has_timeout = true, .timeout = 1 };
  oci_hook missing = { .path = (char *) "/no/such/hook" };

  CHECK (hook_run (&ok, HOOK_CREATE_RUNTIME, 0, "{\"a\":1}", &err) == 0);
  CHECK (hook_run (&ok, HOOK_CREATE_RUNTIME, 0, "{}", &err) < 0);
  CHECK (strstr (err->msg, "exit status 1") != NULL);
  casing_error_release (&err);
  CHECK (hook_run (&slow, HOOK_POSTSTOP, 2, "{}", &err) < 0);
  CHECK (strstr (err->msg, "timed out") != NULL && strstr (err->msg, "poststop hook #2"));
  casing_error_release (&err);
  CHECK (hook_run (&missing, HOOK_PRESTART, 0, "{}", &err) < 0);
  CHECK (err->status == ENOENT);
  casing_error_release (&err);
}

/* A state far larger than a pipe holds (8 MiB): the hook gets all of it,
 * read late and slowly or not at all, and never blocks us. */
static char *
big_state (size_t len)
{
  char *s = xmalloc0 (len + 1);
  memset (s, 'x', len);
  memcpy (s, "{\"a\":\"", 6);
  memcpy (s + len - 2, "\"}", 2);
  return s;
}

static bool
file_holds (const char *path, const char *want)
{
  cleanup_free char *got = NULL;
  size_t n = 0;
  return read_all_file (path, &got, &n, NULL) == 0 && n == strlen (want) && memcmp (got, want, n) == 0;
}

static double
seconds_since (const struct timespec *t0)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
hooks_large_state_child (bool drop_sys_resource)
{
  char dir[] = "/tmp/casing-hook-XXXXXX", out[64], script[256], holder[256], pidf[64];
  char *state = big_state (8 << 20);
  char *reader[] = { "sh", "-c", script };
  char *deaf[] = { "sh", "-c", "exit 0" };
  char *hold[] = { "sh", "-c", holder };
  char *stuck[] = { "sh", "-c", "exec sleep 30" };
  oci_hook r = { .path = (char *) "/bin/sh", .args = reader, .args_len = 3 };
  oci_hook d = { .path = (char *) "/bin/sh", .args = deaf, .args_len = 3 };
  oci_hook h = { .path = (char *) "/bin/sh", .args = hold, .args_len = 3 };
  oci_hook s = { .path = (char *) "/bin/sh", .args = stuck, .args_len = 3, .has_timeout = true, .timeout = 1 };
  casing_error_t err = NULL;
  struct timespec t0;
  cleanup_free char *bg = NULL;

  /* Without CAP_SYS_RESOURCE (a rootless runtime) no pipe can grow past
   * fs.pipe-max-size: the state cannot simply be left in the pipe. */
  if (drop_sys_resource)
    {
      struct __user_cap_header_struct hd = { _LINUX_CAPABILITY_VERSION_3, 0 };
      struct __user_cap_data_struct cd[2];
      syscall (SYS_capget, &hd, cd);
      cd[CAP_SYS_RESOURCE / 32].effective &= ~(1U << (CAP_SYS_RESOURCE % 32));
      CHECK (syscall (SYS_capset, &hd, cd) == 0);
    }
  CHECK (mkdtemp (dir) != NULL);
  snprintf (out, sizeof out, "%s/stdin", dir);
  snprintf (pidf, sizeof pidf, "%s/bg.pid", dir);
  snprintf (script, sizeof script, "sleep 0.3; cat > %s", out);
  /* leaves a process holding its stdin open after it exits */
  snprintf (holder, sizeof holder, "exec 3<&0; sleep 30 <&3 3<&- & echo $! > %s; exit 0", pidf);

  CHECK (hook_run (&r, HOOK_POSTSTOP, 0, state, &err) == 0);
  CHECK (file_holds (out, state));
  casing_error_release (&err);

  clock_gettime (CLOCK_MONOTONIC, &t0);
  CHECK (hook_run (&d, HOOK_PRESTART, 0, state, &err) == 0);
  CHECK (hook_run (&h, HOOK_CREATE_RUNTIME, 0, state, &err) == 0);
  CHECK (seconds_since (&t0) < 10);
  casing_error_release (&err);
  if (read_all_file (pidf, &bg, NULL, NULL) == 0 && atoi (bg) > 0)
    kill (atoi (bg), SIGKILL);

  clock_gettime (CLOCK_MONOTONIC, &t0);
  CHECK (hook_run (&s, HOOK_PRESTART, 0, state, &err) < 0);
  CHECK (err && strstr (err->msg, "timed out"));
  CHECK (seconds_since (&t0) < 10);
  casing_error_release (&err);

  unlink (out);
  unlink (pidf);
  rmdir (dir);
  free (state);
  _exit (unit_failures ? 1 : 0);
}

static void
test_hooks_large_state (void)
{
  for (int drop = 0; drop < 2; drop++)
    {
      int status = 0;
      pid_t pid = fork ();
      if (pid == 0)
        hooks_large_state_child (drop);
      CHECK (pid > 0 && waitpid (pid, &status, 0) == pid);
      CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    }
}

static void
test_state_store (void)
{
  char dir[] = "/tmp/casing-unit-XXXXXX";
  casing_error_t err = NULL;
  struct container_handle *h = NULL, *h2 = NULL;
  enum container_status st;
  char **ids = NULL;

  CHECK (mkdtemp (dir) != NULL);
  CHECK (state_store_create (dir, "c1", &h, &err) == 0);
  CHECK (state_store_create (dir, "c1", &h2, &err) < 0);
  CHECK (strstr (err->msg, "already exists") != NULL);
  casing_error_release (&err);
  h->state->bundle = xstrdup ("/bundle");
  CHECK (state_store_save (h, &err) == 0);
  /* create still holds the lock: readers see `creating` */
  CHECK (state_store_open (dir, "c1", STATE_LOCK_SHARED_TRY, &h2, &err) == 0);
  CHECK (h2 && h2->lock_busy);
  CHECK (container_status_get (h2, &st, &err) == 0 && st == CONTAINER_CREATING);
  container_handle_free (h2);
  container_handle_free (h);
  /* its creator gone, a `creating` container is stopped */
  CHECK (state_store_open (dir, "c1", STATE_LOCK_SHARED_TRY, &h, &err) == 0);
  CHECK (container_status_get (h, &st, &err) == 0 && st == CONTAINER_STOPPED);
  CHECK (state_store_list (dir, &ids, &err) == 0 && ids[0] && strcmp (ids[0], "c1") == 0);
  state_store_free_ids (ids);
  CHECK (state_store_remove (h, &err) == 0);
  container_handle_free (h);
  CHECK (state_store_open (dir, "c1", STATE_LOCK_EXCLUSIVE, &h, &err) < 0);
  CHECK (err->status == ENOENT && strstr (err->msg, "does not exist"));
  casing_error_release (&err);
  rmdir (dir);
}

/* In a child, so the harness's own fds are not touched: fds from 3 up
 * survive only when preserved or listed. */
static void
test_close_fds_except (bool without_close_range)
{
  int status = -1;
  pid_t pid = fork ();

  if (pid == 0)
    {
      casing_error_t err = NULL;
      int keep[] = { 40, -1, 42 };
      close_fds_test_options (without_close_range);
      for (int fd = 3; fd < 50; fd++)
        dup2 (0, fd);
      if (close_fds_except (2, keep, 3, &err) < 0)
        _exit (10);
      for (int fd = 3; fd < 50; fd++)
        {
          bool open_ = fcntl (fd, F_GETFD) >= 0;
          bool want = fd < 5 || fd == 40 || fd == 42;
          if (open_ != want)
            _exit (fd);
        }
      _exit (0);
    }
  CHECK (pid > 0 && waitpid (pid, &status, 0) == pid);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

/* HOME from the container's /etc/passwd (home_env.c). */
static void
test_passwd_home (void)
{
  const char *pw = "root:x:0:0:root:/root:/bin/sh\n"
                   "#tester:x:1000:1000::/nope:/bin/sh\n"
                   "tester:x:1000:1000:T:/home/tester:/bin/sh\n"
                   "nohome:x:1001:1001::::\n"
                   "short:x:1002\n"
                   "+nis:x:1003:1003::/nis:/bin/sh\n"
                   "last:x:10000:1:x:/last:/bin/sh";
  char *h;

  h = passwd_home_of (pw, 0);
  CHECK_STR (h, "/root");
  free (h);
  h = passwd_home_of (pw, 1000);
  CHECK_STR (h, "/home/tester");
  free (h);
  h = passwd_home_of (pw, 1001);
  CHECK_STR (h, "/");
  free (h);
  h = passwd_home_of (pw, 10000);
  CHECK_STR (h, "/last");
  free (h);
  CHECK (passwd_home_of (pw, 1002) == NULL);
  CHECK (passwd_home_of (pw, 1003) == NULL);
  CHECK (passwd_home_of (pw, 100) == NULL);
  CHECK (passwd_home_of ("", 0) == NULL);
}

int
main (void)
{
  UNIT_RUN (test_ids ());
  UNIT_RUN (test_signals ());
  UNIT_RUN (test_sync ());
  UNIT_RUN (test_env ());
  UNIT_RUN (test_passwd_home ());
  UNIT_RUN (test_hooks ());
  UNIT_RUN (test_hooks_large_state ());
  UNIT_RUN (test_state_store ());
  UNIT_RUN (test_close_fds_except (false));
  UNIT_RUN (test_close_fds_except (true));
  return unit_done ("test_container");
}
