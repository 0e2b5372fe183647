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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "core/utils.h"

#ifdef HAVE_LIBSYSTEMD
#include "sd_bus_lazy.h"
#include <time.h>

#include "devices.h"
#include "systemd_props.h"

static int systemd_build_props (struct cgroup_manager *m, const oci_resources *r, const oci_map *annotations,
                                bool create, struct systemd_props *out, casing_error_t *err);
#endif

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
    return casing_error_set (err, 0, "%s: `%s`: expected `slice:prefix:name` with --systemd-cgroup", what, path);
  if (c1 == path)
    *slice = xstrdup ("system.slice");
  else
    xasprintf (slice, "%.*s", (int) (c1 - path), path);
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
names_slice (const char *unit)
{
  size_t n = strlen (unit);
  return n > 6 && strcmp (unit + n - 6, ".slice") == 0;
}

static bool
systemd_is_running (void)
{
  /* sd_booted(3)'s test: systemd creates this directory early at boot. */
  return access ("/run/systemd/system", F_OK) == 0;
}

static bool
user_bus_present (void)
{
  const char *address = getenv ("DBUS_SESSION_BUS_ADDRESS");
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  cleanup_free char *socket = NULL;
  struct stat st;

  if (address && *address)
    return true;
  if (xdg == NULL || *xdg == '\0')
    return false;
  xasprintf (&socket, "%s/bus", xdg);
  return stat (socket, &st) == 0 && S_ISSOCK (st.st_mode);
}

/* Everything the driver would refuse, before anything exists: `check`
 * (with --systemd-cgroup) and `create` both ask here. */
int
cgroup_systemd_check (const char *path, bool rootless, casing_error_t *err)
{
  cleanup_free char *slice = NULL;
  cleanup_free char *unit = NULL;

  if (cgroup_systemd_parse_path (path, "ID", &slice, &unit, err) < 0)
    return -1;
  if (names_slice (unit))
    return casing_error_set (err, 0,
                             "linux.cgroupsPath: `%s` is a slice, which cannot hold processes with "
                             "--systemd-cgroup; name a scope (`slice:prefix:name`)",
                             unit);
  /* An unprivileged user's scopes go to their own systemd (`systemd
   * --user`), which must be there to ask.  Not tested in CI: `casing
   * features` says systemdUser false. */
  if (rootless && !user_bus_present ())
    return casing_error_set (err, ENOTSUP, "--systemd-cgroup with --rootless: no user bus of your own "
                             "systemd (DBUS_SESSION_BUS_ADDRESS, or $XDG_RUNTIME_DIR/bus); start "
                             "`systemd --user` or leave out --systemd-cgroup");
  if (!systemd_is_running ())
    return casing_error_set (err, ENOTSUP,
                             "--systemd-cgroup: systemd is not the init system (PID 1) of this host; "
                             "run without --systemd-cgroup to use the cgroupfs driver");
#ifndef HAVE_LIBSYSTEMD
  return casing_error_set (err, ENOTSUP,
                           "--systemd-cgroup: this build of casing has no systemd support (libsystemd "
                           "was not found at build time)");
#else
  return 0;
#endif
}

int
cgroup_systemd_create (struct cgroup_manager *m, const struct cgroup_options *opts, const oci_resources *resources,
                       casing_error_t *err)
{
  if (cgroup_systemd_parse_path (opts->cgroups_path, opts->id, &m->systemd_slice, &m->systemd_unit, err) < 0
      || cgroup_systemd_check (opts->cgroups_path, opts->rootless, err) < 0)
    return -1;
  /* The user's systemd has no system.slice: its default is user.slice. */
  if (opts->rootless && (opts->cgroups_path == NULL || opts->cgroups_path[0] == '\0' || opts->cgroups_path[0] == ':'))
    {
      free (m->systemd_slice);
      m->systemd_slice = xstrdup ("user.slice");
    }
#ifndef HAVE_LIBSYSTEMD
  (void) resources;
  return -1;
#else
  m->systemd_props = xmalloc0 (sizeof (*m->systemd_props));
  return systemd_build_props (m, resources, opts->annotations, true, m->systemd_props, err);
#endif
}

#ifdef HAVE_LIBSYSTEMD
#define JOB_TIMEOUT_USEC (30 * 1000000ULL)

static int
systemd_build_props (struct cgroup_manager *m, const oci_resources *r, const oci_map *annotations, bool create,
                     struct systemd_props *out, casing_error_t *err)
{
  cleanup_free struct device_rule *rules = NULL;
  cleanup_free char *proc_devices = NULL;
  size_t n = 0;
  /* At create the rules always go (systemd must not open what casing
   * closes); an update only resends them when it changes devices. */
  bool devices = !m->rootless && (create || (r && r->devices));
  if (devices
      && (device_rules_build (r ? r->devices : NULL, r ? r->devices_len : 0, m->devices, m->n_devices, &rules, &n,
                              err)
              < 0
          || read_all_file ("/proc/devices", &proc_devices, NULL, err) < 0))
    return -1;
  struct systemd_props_input in = {
    .resources = r,
    .rules = devices ? rules : NULL,
    .n_rules = n,
    .proc_devices = proc_devices,
    .v2 = m->host.mode == CGROUP_MODE_V2,
    .create = create,
    .annotations = annotations,
  };
  return systemd_props_build (&in, out, err);
}

/* NULL-safe: they may run before libsystemd is loaded. */
static void
bus_unrefp (sd_bus **b)
{
  if (*b)
    sd_bus_flush_close_unref (*b);
}

static void
msg_unrefp (sd_bus_message **msg)
{
  if (*msg)
    sd_bus_message_unref (*msg);
}

static int
bus_error (casing_error_t *err, int r, sd_bus_error *e, const char *what, const char *unit)
{
  int ret = casing_error_set (err, -r, "systemd: %s `%s`%s%s", what, unit, e && e->message ? ": " : "",
                              e && e->message ? e->message : "");
  sd_bus_error_free (e);
  return ret;
}

/* Rootless: the user's own systemd, on the user bus (sd_bus_default_user
 * finds it through DBUS_SESSION_BUS_ADDRESS or $XDG_RUNTIME_DIR/bus). */
static int
bus_open (sd_bus **bus, bool user, casing_error_t *err)
{
  int r;

  if (sd_bus_lazy_load (err) < 0)
    return -1;
  r = user ? sd_bus_default_user (bus) : sd_bus_default_system (bus);
  if (r < 0)
    return casing_error_set (err, -r, "systemd: connect to the %s bus", user ? "user" : "system");
  return 0;
}

/* ---- jobs: StartTransientUnit and StopUnit return a job; the unit is
 * ready (or gone) when JobRemoved names it. */

struct job_wait
{
  sd_bus_slot *slot;
  char *job;
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

static void
job_wait_release (struct job_wait *w)
{
  sd_bus_slot_unref (w->slot);
  free (w->job);
}

/* Subscribe before the call that makes the job: its JobRemoved must not
 * be missed. */
static int
job_watch (sd_bus *bus, struct job_wait *w, const char *unit, casing_error_t *err)
{
  int r = sd_bus_match_signal (bus, &w->slot, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "JobRemoved", job_removed, w);
  return r < 0 ? bus_error (err, r, NULL, "watch the jobs for", unit) : 0;
}

static uint64_t
now_usec (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static int
job_wait (sd_bus *bus, struct job_wait *w, const char *what, const char *unit, casing_error_t *err)
{
  uint64_t deadline = now_usec () + JOB_TIMEOUT_USEC;
  while (!w->done)
    {
      int r = sd_bus_process (bus, NULL);
      if (r > 0)
        continue;
      uint64_t now = now_usec ();
      if (r == 0 && now >= deadline)
        return casing_error_set (err, ETIMEDOUT, "systemd: %s `%s`: no answer in %llu s", what, unit,
                                 JOB_TIMEOUT_USEC / 1000000);
      if (r == 0)
        r = sd_bus_wait (bus, deadline - now);
      if (r < 0)
        return bus_error (err, r, NULL, what, unit);
    }
  if (strcmp (w->result, "done") != 0)
    return casing_error_set (err, EIO, "systemd: %s `%s`: the job ended `%s`", what, unit, w->result);
  return 0;
}

static int
job_read (sd_bus_message *reply, struct job_wait *w, const char *unit, casing_error_t *err)
{
  const char *path;
  int r = sd_bus_message_read (reply, "o", &path);
  if (r < 0)
    return bus_error (err, r, NULL, "read the job of", unit);
  w->job = xstrdup (path);
  return 0;
}

/* ---- properties ---- */

static int
append_devices (sd_bus_message *msg, const struct systemd_prop *p)
{
  int r = sd_bus_message_open_container (msg, 'v', "a(ss)");
  if (r >= 0)
    r = sd_bus_message_open_container (msg, 'a', "(ss)");
  for (size_t i = 0; r >= 0 && i < p->n_devs; i++)
    r = sd_bus_message_append (msg, "(ss)", p->devs[i].path, p->devs[i].perms);
  if (r >= 0)
    r = sd_bus_message_close_container (msg);
  if (r >= 0)
    r = sd_bus_message_close_container (msg);
  return r;
}

static int
append_value (sd_bus_message *msg, const struct systemd_prop *p)
{
  int r;
  switch (p->type)
    {
    case 'b': return sd_bus_message_append (msg, "v", "b", (int) p->u64);
    case 't': return sd_bus_message_append (msg, "v", "t", p->u64);
    case 's': return sd_bus_message_append (msg, "v", "s", p->str);
    case 'y':
      r = sd_bus_message_open_container (msg, 'v', "ay");
      if (r >= 0)
        r = sd_bus_message_append_array (msg, 'y', p->bytes, p->n_bytes);
      return r < 0 ? r : sd_bus_message_close_container (msg);
    default: return append_devices (msg, p);
    }
}

static int
append_props (sd_bus_message *msg, const struct systemd_props *props)
{
  int r = 0;
  for (size_t i = 0; r >= 0 && props && i < props->n; i++)
    {
      r = sd_bus_message_open_container (msg, 'r', "sv");
      if (r >= 0)
        r = sd_bus_message_append (msg, "s", props->v[i].name);
      if (r >= 0)
        r = append_value (msg, &props->v[i]);
      if (r >= 0)
        r = sd_bus_message_close_container (msg);
    }
  return r;
}

/* ---- start ---- */

static int
start_request (struct cgroup_manager *m, sd_bus *bus, pid_t pid, sd_bus_message **msg)
{
  int r = sd_bus_message_new_method_call (bus, msg, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                          "org.freedesktop.systemd1.Manager", "StartTransientUnit");
  if (r >= 0)
    r = sd_bus_message_append (*msg, "ss", m->systemd_unit, "fail");
  if (r >= 0)
    r = sd_bus_message_open_container (*msg, 'a', "(sv)");
  /* Delegate: the subtree is casing's (and the container's) to manage.
   * CollectMode: a scope that failed is unloaded too, so the same name can
   * be used again. */
  if (r >= 0)
    r = sd_bus_message_append (*msg, "(sv)(sv)(sv)(sv)(sv)(sv)", "Description", "s", "casing container", "Slice",
                               "s", m->systemd_slice, "Delegate", "b", 1, "DefaultDependencies", "b", 0,
                               "CollectMode", "s", "inactive-or-failed", "PIDs", "au", 1, (uint32_t) pid);
  if (r >= 0)
    r = append_props (*msg, m->systemd_props);
  if (r >= 0)
    r = sd_bus_message_close_container (*msg);
  if (r >= 0)
    r = sd_bus_message_append (*msg, "a(sa(sv))", 0);
  return r;
}

static int
start_call (struct cgroup_manager *m, sd_bus *bus, pid_t pid, sd_bus_message **reply, sd_bus_error *e)
{
  __attribute__ ((cleanup (msg_unrefp))) sd_bus_message *msg = NULL;
  int r = start_request (m, bus, pid, &msg);
  return r < 0 ? r : sd_bus_call (bus, msg, 0, e, reply);
}

static int
start_unit (struct cgroup_manager *m, sd_bus *bus, pid_t pid, struct job_wait *w, casing_error_t *err)
{
  __attribute__ ((cleanup (msg_unrefp))) sd_bus_message *reply = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  int r = start_call (m, bus, pid, &reply, &e);
  if (r < 0 && sd_bus_error_has_name (&e, "org.freedesktop.systemd1.UnitExists"))
    {
      /* A failed unit of an earlier container by that name stays loaded
       * until reset; a live one is a real conflict. */
      sd_bus_error_free (&e);
      sd_bus_call_method (bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                          "org.freedesktop.systemd1.Manager", "ResetFailedUnit", NULL, NULL, "s", m->systemd_unit);
      r = start_call (m, bus, pid, &reply, &e);
    }
  if (r < 0 && sd_bus_error_has_name (&e, "org.freedesktop.systemd1.UnitExists"))
    {
      sd_bus_error_free (&e);
      return casing_error_set (err, EEXIST, "systemd: unit `%s` already exists (another container uses this name)",
                               m->systemd_unit);
    }
  if (r < 0)
    return bus_error (err, r, &e, "start", m->systemd_unit);
  return job_read (reply, w, m->systemd_unit, err);
}

int
cgroup_systemd_enter (struct cgroup_manager *m, pid_t pid, casing_error_t *err)
{
  __attribute__ ((cleanup (bus_unrefp))) sd_bus *bus = NULL;
  struct job_wait w = { 0 };
  int r;

  if (bus_open (&bus, m->rootless, err) < 0)
    return -1;
  r = job_watch (bus, &w, m->systemd_unit, err);
  if (r == 0)
    r = start_unit (m, bus, pid, &w, err);
  if (r == 0)
    {
      /* From here on the unit exists: delete must stop it even if waiting
       * fails. */
      m->systemd_started = true;
      r = job_wait (bus, &w, "start", m->systemd_unit, err);
    }
  job_wait_release (&w);
  if (r < 0)
    return -1;
  return cgroup_manager_adopt_pid (m, pid, true, err);
}

int
cgroup_systemd_update (struct cgroup_manager *m, const oci_resources *resources, casing_error_t *err)
{
  __attribute__ ((cleanup (bus_unrefp))) sd_bus *bus = NULL;
  __attribute__ ((cleanup (msg_unrefp))) sd_bus_message *msg = NULL;
  struct systemd_props props;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  if (m->systemd_unit == NULL || resources == NULL)
    return 0;
  if (systemd_build_props (m, resources, NULL, false, &props, err) < 0)
    return -1;
  int r = props.n ? 0 : 1;
  if (r == 0 && bus_open (&bus, m->rootless, err) < 0)
    r = -1;
  if (r == 0)
    {
      r = sd_bus_message_new_method_call (bus, &msg, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                          "org.freedesktop.systemd1.Manager", "SetUnitProperties");
      /* runtime=true: for this boot, as the transient unit itself. */
      if (r >= 0)
        r = sd_bus_message_append (msg, "sb", m->systemd_unit, 1);
      if (r >= 0)
        r = sd_bus_message_open_container (msg, 'a', "(sv)");
      if (r >= 0)
        r = append_props (msg, &props);
      if (r >= 0)
        r = sd_bus_message_close_container (msg);
      if (r >= 0)
        r = sd_bus_call (bus, msg, 0, &e, NULL);
      if (r < 0)
        r = bus_error (err, r, &e, "set the limits of", m->systemd_unit);
    }
  systemd_props_free (&props);
  return r < 0 ? -1 : 0;
}

int
cgroup_systemd_stop (struct cgroup_manager *m, casing_error_t *err)
{
  __attribute__ ((cleanup (bus_unrefp))) sd_bus *bus = NULL;
  __attribute__ ((cleanup (msg_unrefp))) sd_bus_message *reply = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  struct job_wait w = { 0 };
  if (m->systemd_unit == NULL || !m->systemd_started)
    return 0;
  if (bus_open (&bus, m->rootless, err) < 0)
    return -1;
  int r = job_watch (bus, &w, m->systemd_unit, err);
  if (r < 0)
    goto out;
  r = sd_bus_call_method (bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                          "org.freedesktop.systemd1.Manager", "StopUnit", &e, &reply, "ss", m->systemd_unit, "replace");
  /* A scope whose processes are gone has already been collected. */
  if (r < 0 && sd_bus_error_has_name (&e, "org.freedesktop.systemd1.NoSuchUnit"))
    {
      sd_bus_error_free (&e);
      r = 0;
      goto out;
    }
  if (r < 0)
    r = bus_error (err, r, &e, "stop", m->systemd_unit);
  else
    r = job_read (reply, &w, m->systemd_unit, err);
  /* Wait, so that when delete returns the unit and its cgroup are gone and
   * the name can be used again at once. */
  if (r >= 0)
    r = job_wait (bus, &w, "stop", m->systemd_unit, err);
out:
  job_wait_release (&w);
  return r < 0 ? -1 : 0;
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
cgroup_systemd_update (struct cgroup_manager *m, const oci_resources *resources, casing_error_t *err)
{
  (void) m, (void) resources, (void) err;
  return 0;
}

int
cgroup_systemd_stop (struct cgroup_manager *m, casing_error_t *err)
{
  (void) m, (void) err;
  return 0;
}
#endif
