/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "confine/caps.h"
#include "confine/confine.h"
#include "confine/host.h"
#include "confine/names.h"
#include "unit_test.h"

#define SET(arr) (char **) (arr), sizeof (arr) / sizeof (arr)[0]

static uint64_t
status_mask (const char *key)
{
  char buf[64];
  if (! status_field (key, buf, sizeof buf))
    return ~0ULL;
  return strtoull (buf, NULL, 16);
}

static void
test_names (void)
{
  casing_error_t err = NULL;
  const char *const *names = caps_known_names ();
  static const char *bad[] = { "CAP_CHOWN", "CAP_FOO" };
  oci_capabilities c = { 0 };
  struct caps_masks m;
  char buf[32];
  int n = 0;

  /* The one table: index = value, as <linux/capability.h> numbers them. */
  CHECK (strcmp (names[0], "CAP_CHOWN") == 0);
  CHECK (strcmp (names[CAP_SYS_ADMIN], "CAP_SYS_ADMIN") == 0);
  CHECK (strcmp (names[CAP_CHECKPOINT_RESTORE], "CAP_CHECKPOINT_RESTORE") == 0);
  while (names[n])
    {
      CHECK_MSG (caps_value_of (names[n]) == n, "%s is capability %d", names[n], n);
      n++;
    }
  /* As many as the kernel headers casing is built with know. */
  CHECK_INT (n, CAP_LAST_CAP + 1);
  CHECK (caps_value_of ("CAP_NET_RAW") == CAP_NET_RAW);
  CHECK (caps_value_of ("CAP_NOPE") == -1 && caps_value_of ("cap_chown") == -1 && caps_value_of ("12") == -1);
  CHECK_STR (caps_name_of (CAP_KILL, buf, sizeof buf), "CAP_KILL");
  CHECK_STR (caps_name_of (n, buf, sizeof buf), n == 41 ? "capability 41" : buf);

  /* A name the validation warned about is skipped, not guessed at. */
  c.bounding = (char **) bad;
  c.bounding_len = 2;
  CHECK_OK (caps_parse (&c, &m, &err), err);
  CHECK (m.bounding == 1ULL << CAP_CHOWN);
  c.bounding_len = 1;
  CHECK_OK (caps_parse (&c, &m, &err), err);
  CHECK (m.bounding == 1ULL << CAP_CHOWN);
  CHECK (m.effective == 0 && m.ambient == 0);
  CHECK (caps_last_cap () >= CAP_CHECKPOINT_RESTORE);
}

/* A kernel newer than our name table (cap_last_cap above 40): the error
 * for a capability we have no name for must still be well-formed. */
static void
test_unnamed_capability (void)
{
  casing_error_t err = NULL;
  int n = 0;

  while (caps_known_names ()[n])
    n++;
  /* Capability 63 is far past any kernel's last: PR_CAPBSET_DROP fails
   * with EINVAL, which exercises the error path without dropping anything. */
  CHECK (caps_drop_bounding (~(1ULL << 63), 1ULL << 63, 63, &err) < 0);
  CHECK_ERR (err, "process.capabilities.bounding: drop capability 63");
  CHECK (caps_drop_bounding (~(1ULL << n), 1ULL << n, n, &err) < 0);
  {
    char want[64];
    snprintf (want, sizeof want, "drop capability %d", n);
    CHECK_ERR (err, want);
  }
}

/* A known capability keeps its name in the message: without an effective
 * CAP_SETPCAP the drop fails with EPERM (in a child: nothing is lost). */
static void
named_drop_error_child (void *arg)
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  casing_error_t err = NULL;
  (void) arg;

  syscall (SYS_capget, &h, d);
  d[0].effective = d[1].effective = 0;
  CHECK (syscall (SYS_capset, &h, d) == 0);
  CHECK (caps_drop_bounding (~(1ULL << CAP_KILL), 1ULL << CAP_KILL, caps_last_cap (), &err) < 0);
  CHECK_ERR (err, "process.capabilities.bounding: drop CAP_KILL");
}

struct apply_case
{
  const oci_capabilities *caps;
  uint64_t inh, prm, eff, bnd, amb;
  bool switch_user;
};

static void
apply_child (void *arg)
{
  struct apply_case *c = arg;
  casing_error_t err = NULL;

  if (c->switch_user)
    {
      oci_user u = { .has_uid = true, .uid = 1000, .has_gid = true, .gid = 1000 };
      oci_process p = { .user = &u };
      CHECK_OK (process_set_user (&p, &err), err);
    }
  CHECK_OK (caps_apply (c->caps, &err), err);
  if (c->inh != ~0ULL)
    CHECK (status_mask ("CapInh") == c->inh);
  CHECK (status_mask ("CapPrm") == c->prm);
  CHECK (status_mask ("CapEff") == c->eff);
  CHECK (status_mask ("CapBnd") == c->bnd);
  CHECK (status_mask ("CapAmb") == c->amb);
  if (unit_failures)
    fprintf (stderr, "  Inh %016" PRIx64 " Prm %016" PRIx64 " Eff %016" PRIx64 " Bnd %016" PRIx64 " Amb %016" PRIx64
                     "\n",
             status_mask ("CapInh"), status_mask ("CapPrm"), status_mask ("CapEff"), status_mask ("CapBnd"),
             status_mask ("CapAmb"));
  CHECK (prctl (PR_GET_KEEPCAPS, 0, 0, 0, 0) == 0);
}

#define B(c) (1ULL << (c))

static void
test_apply (void)
{
  static const char *bnd[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" };
  static const char *two[] = { "CAP_AUDIT_WRITE", "CAP_KILL" };
  static const char *amb[] = { "CAP_NET_BIND_SERVICE" };
  static const char *with_resource[] = { "CAP_KILL", "CAP_SYS_RESOURCE" };
  uint64_t three = B (CAP_AUDIT_WRITE) | B (CAP_KILL) | B (CAP_NET_BIND_SERVICE);
  uint64_t host_bnd = status_mask ("CapBnd");
  oci_capabilities spec_example = { SET (bnd), SET (two), SET (bnd), SET (bnd), SET (amb) };
  oci_capabilities no_inh = { SET (bnd), SET (two), NULL, 0, SET (bnd), NULL, 0 };
  oci_capabilities empty = { 0 };
  oci_capabilities resource = { SET (with_resource), SET (with_resource), NULL, 0, SET (with_resource), NULL, 0 };
  struct apply_case c;

  if (geteuid () != 0)
    SKIP_TEST ("needs root");
  /* config.md's example. */
  c = (struct apply_case) { &spec_example, three, three, B (CAP_AUDIT_WRITE) | B (CAP_KILL), three,
                            B (CAP_NET_BIND_SERVICE), false };
  CHECK_CHILD_OK (apply_child, &c);
  /* The same after switching to uid 1000 (PR_SET_KEEPCAPS path). */
  c.switch_user = true;
  CHECK_CHILD_OK (apply_child, &c);
  /* No inheritable set asked: none given (CVE-2022-27650). */
  c = (struct apply_case) { &no_inh, 0, three, B (CAP_AUDIT_WRITE) | B (CAP_KILL), three, 0, false };
  CHECK_CHILD_OK (apply_child, &c);
  /* Every set empty. */
  c = (struct apply_case) { &empty, 0, 0, 0, 0, 0, false };
  CHECK_CHILD_OK (apply_child, &c);
  /* CAP_SYS_RESOURCE is outside this host's bounding set: skipped with a
   * warning, not an error. */
  if (! (host_bnd & B (CAP_SYS_RESOURCE)))
    {
      c = (struct apply_case) { &resource, 0, B (CAP_KILL), B (CAP_KILL), B (CAP_KILL), 0, false };
      CHECK_CHILD_OK (apply_child, &c);
    }
}

static void
inheritable_leak_child (void *arg)
{
  casing_error_t err = NULL;
  (void) arg;
  /* Our caller gave us inheritable capabilities; absent `capabilities`
   * must not pass them on. */
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  syscall (SYS_capget, &h, d);
  d[0].inheritable = 1U << CAP_KILL;
  CHECK (syscall (SYS_capset, &h, d) == 0);
  CHECK (status_mask ("CapInh") == B (CAP_KILL));
  CHECK_OK (caps_apply (NULL, &err), err);
  CHECK (status_mask ("CapInh") == 0);
  CHECK (status_mask ("CapAmb") == 0);
}

int
main (void)
{
  UNIT_RUN (test_names ());
  UNIT_RUN (test_unnamed_capability ());
#ifndef HAVE_LIBCAP
  {
    static const char *one[] = { "CAP_KILL" };
    oci_capabilities c = { .bounding = (char **) one, .bounding_len = 1 };
    casing_error_t err = NULL;
    CHECK (caps_apply (&c, &err) < 0);
    CHECK_ERR (err, "capabilities requested by process.capabilities but casing was built without libcap");
    CHECK_OK (caps_apply (NULL, &err), err);
    return unit_done ("test_confine_caps (without libcap)");
  }
#endif
  UNIT_RUN (test_apply ());
  UNIT_RUN (child_test_as_root (inheritable_leak_child, NULL));
  UNIT_RUN (child_test_as_root (named_drop_error_child, NULL));
  return unit_done ("test_confine_caps");
}
