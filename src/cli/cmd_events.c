/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `events [--stats] [--interval D] ID`: one JSON object per line, as runc
 * prints them: {"type":"stats","id":...,"data":{...}} every interval, and
 * {"type":"oom","id":...} when the kernel reports an OOM in the container.
 * With --stats, one stats object and exit. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "cmd_container.h"
#include "cmd_options.h"
#include "container/state_store.h"
#include "core/utils.h"

enum events_key
{
  E_STATS = 1,
  E_INTERVAL,
  E_HELP,
};

static const struct cmd_option events_opts[] = {
  { "stats", 0, CMD_OPT_FLAG, E_STATS, NULL, "print the statistics once and exit" },
  { "interval", 0, CMD_OPT_VALUE, E_INTERVAL, "DURATION", "time between statistics (default 5s)" },
  { "help", 'h', CMD_OPT_FLAG, E_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct events_cmd
{
  bool stats, help;
  long interval_ms;
};

/* "5s", "250ms", "1m", "2h", or a number of seconds. */
static int
parse_duration (const char *s, long *ms, casing_error_t *err)
{
  char *end = NULL;
  errno = 0;
  double v = strtod (s, &end);
  double mult = 1000;
  if (errno || end == s || v < 0)
    goto bad;
  if (strcmp (end, "ms") == 0)
    mult = 1;
  else if (strcmp (end, "s") == 0 || *end == '\0')
    mult = 1000;
  else if (strcmp (end, "m") == 0)
    mult = 60000;
  else if (strcmp (end, "h") == 0)
    mult = 3600000;
  else
    goto bad;
  *ms = (long) (v * mult);
  if (*ms <= 0)
    goto bad;
  return 0;
bad:
  return casing_error_set (err, EINVAL, "events: --interval: `%s` is not a positive duration", s);
}

static int
events_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct events_cmd *e = data;
  if (key == E_STATS)
    return cmd_flag_value (value, &e->stats, err);
  if (key == E_INTERVAL)
    return parse_duration (value, &e->interval_ms, err);
  e->help = true;
  return 0;
}

static int
print_stats (struct cgroup_manager *m, const char *id, casing_error_t *err)
{
  cleanup_free char *data = cgroup_manager_stats_json (m, err);
  if (data == NULL)
    return -1;
  /* id is validated (printable, no quotes needing escapes beyond these). */
  printf ("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}\n", id, data);
  fflush (stdout);
  return 0;
}

/* Until the container's init is gone: stats every interval, OOM as it comes. */
static int
watch (struct cgroup_manager *m, const char *id, pid_t pid, uint64_t start, long interval_ms, casing_error_t *err)
{
  cleanup_casing_error casing_error_t oom_err = NULL;
  cleanup_close int oomfd = cgroup_manager_oom_fd (m, &oom_err);
  for (;;)
    {
      struct pollfd p = { .fd = oomfd, .events = POLLIN };
      int r = poll (&p, oomfd >= 0 ? 1 : 0, (int) interval_ms);
      if (r < 0 && errno != EINTR)
        return casing_error_errno (err, "poll");
      if (!container_pid_matches (pid, start))
        return 0;
      if (r > 0 && (p.revents & POLLIN))
        {
          uint64_t n = 0;
          if (cgroup_manager_oom_read (m, oomfd, &n, err) < 0)
            return -1;
          for (uint64_t i = 0; i < n; i++)
            printf ("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
          fflush (stdout);
          continue;
        }
      if (r == 0 && print_stats (m, id, err) < 0)
        return -1;
    }
}

static int
events (struct global_options *g, const char *id, struct events_cmd *e, casing_error_t *err)
{
  struct container_handle *h = NULL;
  struct cgroup_manager *m = NULL;
  enum container_status status;
  int r = -1;

  if (state_store_open (g->root, id, STATE_LOCK_SHARED_TRY, &h, err) < 0)
    return -1;
  if (container_status_get (h, &status, err) < 0 || cgroup_manager_load (h->state, &m, err) < 0)
    goto out;
  if (status == CONTAINER_STOPPED)
    {
      casing_error_set (err, EINVAL, "events: container `%s` is stopped", id);
      goto out;
    }
  pid_t pid = (pid_t) h->state->pid;
  uint64_t start = h->state->pid_start_time;
  /* Do not hold the lock while watching: `delete` must not wait for us. */
  container_handle_free (h);
  h = NULL;
  if (e->stats)
    r = print_stats (m, id, err);
  else
    r = watch (m, id, pid, start, e->interval_ms, err);
out:
  container_handle_free (h);
  cgroup_manager_free (m);
  return r;
}

int
cmd_events (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct events_cmd e = { .interval_ms = 5000 };
  const char *id;
  int first = cmd_parse_options ("events", events_opts, argc - 1, argv + 1, events_option, &e, err);

  if (first < 0)
    return -1;
  if (e.help)
    {
      cmd_print_help (stdout, "casing events [--stats] [--interval DURATION] ID",
                      "Print resource statistics and OOM notifications of a container as JSON lines.",
                      events_opts);
      return 0;
    }
  if (cmd_single_id ("events", first + 1, argc, argv, &id, err) < 0)
    return -1;
  return events (g, id, &e, err);
}
