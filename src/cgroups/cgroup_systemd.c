/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd driver (--systemd-cgroup): the container runs in a transient
 * scope that systemd creates over D-Bus (StartTransientUnit, Delegate=yes,
 * the main limits as unit properties so a daemon-reload keeps them).  The
 * detailed limits are then written through cgroupfs like the cgroupfs
 * driver does, which Delegate=yes allows.  It needs systemd as PID 1; without
 * it the driver refuses clearly instead of silently using cgroupfs.
 * Built with libsystemd (HAVE_LIBSYSTEMD); otherwise it reports that. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "conversions.h"
#include "utils.h"

/* `slice:prefix:name`, as runc and crun take it with --systemd-cgroup. */
int
cgroup_systemd_parse_path (const char *path, const char *id, char **slice, char **unit, casing_error_t *err)
{
  const char *what = "linux.cgroupsPath";
  if (path == NULL || *path == '\0')
    {
      *slice = xstrdup ("system.slice");
      xasprintf (unit, "casing-%s.scope", id);
      return 0;
    }
  const char *c1 = strchr (path, ':');
  const char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (c2 == NULL || strchr (c2 + 1, ':') || strchr (path, '/'))
    return casing_error_set (err, EINVAL, "%s: `%s`: expected `slice:prefix:name` with --systemd-cgroup", what,
                             path);
  *slice = c1 == path ? xstrdup ("system.slice") : strndup (path, (size_t) (c1 - path));
  const char *name = *(c2 + 1) ? c2 + 1 : id;
  size_t plen = (size_t) (c2 - c1 - 1);
  /* A name that already ends in .slice names a slice itself (runc does the same). */
  if (strlen (name) > 6 && strcmp (name + strlen (name) - 6, ".slice") == 0)
    *unit = xstrdup (name);
  else if (plen == 0)
    xasprintf (unit, "%s.scope", name);
  else
    xasprintf (unit, "%.*s-%s.scope", (int) plen, c1 + 1, name);
  return 0;
}

static bool
systemd_is_running (void)
{
  /* sd_booted(3)'s test: systemd creates this directory early at boot. */
  return access ("/run/systemd/system", F_OK) == 0;
}

#ifdef HAVE_LIBSYSTEMD
/* The limits systemd should know about, in its own units. */
static void
collect_props (struct cgroup_manager *m, const oci_resources *r)
{
  struct systemd_props *p = &m->systemd_props;
  if (r == NULL)
    return;
  if (r->memory && r->memory->has_limit && r->memory->limit > 0)
    p->has_memory = true, p->memory = (uint64_t) r->memory->limit;
  if (r->pids && r->pids->limit >= 0)
    p->has_tasks = true, p->tasks = (uint64_t) r->pids->limit;
  if (r->cpu && r->cpu->has_shares && r->cpu->shares)
    p->has_cpu_weight = true, p->cpu_weight = cgroup_shares_to_weight (r->cpu->shares);
  if (r->cpu && r->cpu->has_quota && r->cpu->quota > 0)
    {
      uint64_t period = r->cpu->has_period && r->cpu->period ? r->cpu->period : 100000;
      p->has_cpu_quota = true;
      p->cpu_quota_per_sec_usec = (uint64_t) r->cpu->quota * 1000000 / period;
    }
}
#endif

int
cgroup_systemd_create (struct cgroup_manager *m, const struct cgroup_options *opts, const oci_resources *resources,
                       casing_error_t *err)
{
  if (cgroup_systemd_parse_path (opts->cgroups_path, opts->id, &m->systemd_slice, &m->systemd_unit, err) < 0)
    return -1;
  if (!systemd_is_running ())
    return casing_error_set (err, ENOTSUP,
                             "--systemd-cgroup: systemd is not the init system (PID 1) of this host; "
                             "run without --systemd-cgroup to use the cgroupfs driver");
#ifndef HAVE_LIBSYSTEMD
  (void) resources;
  return casing_error_set (err, ENOTSUP,
                           "--systemd-cgroup: this build of casing has no systemd support (libsystemd "
                           "was not found at build time); cannot create `%s` in `%s`",
                           m->systemd_unit, m->systemd_slice);
#else
  collect_props (m, resources);
  return 0;
#endif
}

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-bus.h>

static void
bus_unrefp (sd_bus **b)
{
  sd_bus_flush_close_unref (*b);
}

static void
msg_unrefp (sd_bus_message **msg)
{
  sd_bus_message_unref (*msg);
}

struct job_wait
{
  const char *job;
  bool done;
  char result[32];
};

static int
job_removed (sd_bus_message *msg, void *userdata, sd_bus_error *e)
{
  struct job_wait *w = userdata;
  uint32_t id;
  const char *path, *unit, *result;
  (void) e;
  if (sd_bus_message_read (msg, "uoss", &id, &path, &unit, &result) < 0)
    return 0;
  if (w->job && strcmp (path, w->job) == 0)
    {
      w->done = true;
      snprintf (w->result, sizeof w->result, "%s", result);
    }
  return 0;
}

static int
bus_error (casing_error_t *err, int r, sd_bus_error *e, const char *what, const char *unit)
{
  int ret = casing_error_set (err, -r, "systemd: %s `%s`%s%s", what, unit, e && e->message ? ": " : "",
                              e && e->message ? e->message : "");
  sd_bus_error_free (e);
  return ret;
}

static int
append_props (struct cgroup_manager *m, sd_bus_message *msg, pid_t pid)
{
  const struct systemd_props *p = &m->systemd_props;
  bool v2 = m->host.mode == CGROUP_MODE_V2;
  int r = sd_bus_message_append (msg, "(sv)(sv)(sv)(sv)(sv)", "Description", "s", "casing container", "Slice", "s",
                                 m->systemd_slice, "Delegate", "b", 1, "DefaultDependencies", "b", 0, "PIDs", "au", 1,
                                 (uint32_t) pid);
  if (r >= 0 && p->has_memory)
    r = sd_bus_message_append (msg, "(sv)", v2 ? "MemoryMax" : "MemoryLimit", "t", p->memory);
  if (r >= 0 && p->has_tasks)
    r = sd_bus_message_append (msg, "(sv)", "TasksMax", "t", p->tasks);
  if (r >= 0 && p->has_cpu_weight)
    r = sd_bus_message_append (msg, "(sv)", "CPUWeight", "t", p->cpu_weight);
  if (r >= 0 && p->has_cpu_quota)
    r = sd_bus_message_append (msg, "(sv)", "CPUQuotaPerSecUSec", "t", p->cpu_quota_per_sec_usec);
  return r;
}

static int
start_unit (struct cgroup_manager *m, sd_bus *bus, pid_t pid, struct job_wait *w, char **job, casing_error_t *err)
{
  __attribute__ ((cleanup (msg_unrefp))) sd_bus_message *msg = NULL;
  __attribute__ ((cleanup (msg_unrefp))) sd_bus_message *reply = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  const char *path;
  int r = sd_bus_message_new_method_call (bus, &msg, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                          "org.freedesktop.systemd1.Manager", "StartTransientUnit");
  if (r >= 0)
    r = sd_bus_message_append (msg, "ss", m->systemd_unit, "fail");
  if (r >= 0)
    r = sd_bus_message_open_container (msg, 'a', "(sv)");
  if (r >= 0)
    r = append_props (m, msg, pid);
  if (r >= 0)
    r = sd_bus_message_close_container (msg);
  if (r >= 0)
    r = sd_bus_message_append (msg, "a(sa(sv))", 0);
  if (r < 0)
    return bus_error (err, r, NULL, "build the request for", m->systemd_unit);
  r = sd_bus_call (bus, msg, 0, &e, &reply);
  if (r < 0)
    return bus_error (err, r, &e, "start", m->systemd_unit);
  if ((r = sd_bus_message_read (reply, "o", &path)) < 0)
    return bus_error (err, r, NULL, "read the job of", m->systemd_unit);
  *job = xstrdup (path);
  w->job = *job;
  return 0;
}

static int
wait_job (sd_bus *bus, struct job_wait *w, const char *unit, casing_error_t *err)
{
  for (int i = 0; i < 300 && !w->done; i++)
    {
      int r = sd_bus_process (bus, NULL);
      if (r == 0)
        r = sd_bus_wait (bus, 100000);
      if (r < 0)
        return bus_error (err, r, NULL, "wait for", unit);
    }
  if (!w->done)
    return casing_error_set (err, ETIMEDOUT, "systemd: `%s` did not start in 30 s", unit);
  if (strcmp (w->result, "done") != 0)
    return casing_error_set (err, EIO, "systemd: starting `%s`: job %s", unit, w->result);
  return 0;
}

static int
bus_open (struct cgroup_manager *m, sd_bus **bus, casing_error_t *err)
{
  int r = m->rootless ? sd_bus_default_user (bus) : sd_bus_default_system (bus);
  if (r < 0)
    return casing_error_set (err, -r, "systemd: connect to the %s bus", m->rootless ? "user" : "system");
  return 0;
}

int
cgroup_systemd_enter (struct cgroup_manager *m, pid_t pid, casing_error_t *err)
{
  __attribute__ ((cleanup (bus_unrefp))) sd_bus *bus = NULL;
  sd_bus_slot *slot = NULL;
  cleanup_free char *job = NULL;
  struct job_wait w = { 0 };
  int r;

  if (bus_open (m, &bus, err) < 0)
    return -1;
  /* Subscribe before starting: the JobRemoved signal must not be missed. */
  r = sd_bus_match_signal (bus, &slot, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                           "org.freedesktop.systemd1.Manager", "JobRemoved", job_removed, &w);
  if (r < 0)
    return bus_error (err, r, NULL, "watch the jobs for", m->systemd_unit);
  r = start_unit (m, bus, pid, &w, &job, err);
  if (r == 0)
    r = wait_job (bus, &w, m->systemd_unit, err);
  sd_bus_slot_unref (slot);
  if (r < 0)
    return -1;
  m->systemd_started = true;
  return cgroup_manager_dirs_from_pid (m, pid, err);
}

int
cgroup_systemd_stop (struct cgroup_manager *m, casing_error_t *err)
{
  __attribute__ ((cleanup (bus_unrefp))) sd_bus *bus = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  if (m->systemd_unit == NULL || !m->systemd_started)
    return 0;
  if (bus_open (m, &bus, err) < 0)
    return -1;
  int r = sd_bus_call_method (bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                              "org.freedesktop.systemd1.Manager", "StopUnit", &e, NULL, "ss", m->systemd_unit,
                              "replace");
  if (r < 0 && !sd_bus_error_has_name (&e, "org.freedesktop.systemd1.NoSuchUnit"))
    return bus_error (err, r, &e, "stop", m->systemd_unit);
  sd_bus_error_free (&e);
  return 0;
}
#else
int
cgroup_systemd_enter (struct cgroup_manager *m, pid_t pid, casing_error_t *err)
{
  (void) pid;
  return casing_error_set (err, ENOTSUP, "--systemd-cgroup: no systemd support in this build (`%s`)",
                           m->systemd_unit ? m->systemd_unit : "");
}

int
cgroup_systemd_stop (struct cgroup_manager *m, casing_error_t *err)
{
  (void) m, (void) err;
  return 0;
}
#endif
