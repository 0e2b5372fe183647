# SPDX-License-Identifier: GPL-2.0-or-later
"""`casing check` refuses exactly what `casing create` refuses, and before
anything runs.

For every bad config (the parser's fixtures in tests/data/config/bad, one
fixture a rule of the runtime in tests/data/config/refused, and configs a
generator mutates field by field from a valid one): `check` fails naming
the path if and only if `create` fails, `create` then names the same path,
and no hook has run (each config gets prestart, createRuntime and
createContainer hooks that write a marker file).  The only failures of
`create` that `check` may not refuse are those that depend on the
container's own view; for those `check` warns, naming the path, that only
`create` can decide.  A rule added to one side only breaks these tests.
"""
import copy
import json
import os
import shutil
import tempfile

import pytest

from casing_fixtures import TOP, Bundle, Casing, default_config, unique_id, write_script

DATA = os.path.join(TOP, "tests", "data", "config")
HOOK_KINDS = ("prestart", "createRuntime", "createContainer")
UNDECIDED_HINT = "only `create` can decide"


def merge_patch(target, patch):
    """RFC 7386: objects merge, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


class Prober:
    """One bundle, one marker directory; runs check and create on a config
    given as text or as a dict (which gets the marker hooks)."""

    def __init__(self, casing, tmpdir):
        self.casing = casing
        self.bundle = Bundle(os.path.join(tmpdir, "bundle"))
        self.markers = os.path.join(tmpdir, "markers")
        os.makedirs(self.markers)
        self.hooks = {}
        for kind in HOOK_KINDS:
            path = write_script(os.path.join(tmpdir, "hook-" + kind),
                                "touch %s/%s" % (self.markers, kind))
            self.hooks[kind] = [{"path": path}]

    def with_hooks(self, config):
        config = copy.deepcopy(config)
        if not isinstance(config.get("hooks", {}), dict):
            return config
        hooks = config.setdefault("hooks", {})
        for kind, entries in self.hooks.items():
            if isinstance(hooks.get(kind, []), list):
                hooks[kind] = list(hooks.get(kind, [])) + entries
        return config

    def write(self, config):
        if isinstance(config, dict):
            config = json.dumps(self.with_hooks(config))
        with open(self.bundle.config_path, "w") as f:
            f.write(config)
        for m in os.listdir(self.markers):
            os.unlink(os.path.join(self.markers, m))

    def run(self, config):
        """(check's report, create's result, the hooks that ran)."""
        self.write(config)
        r = self.casing.run("check", "--bundle", self.bundle.path, "--format", "json")
        try:
            report = json.loads(r.stdout)
        except ValueError:
            raise AssertionError("check printed no report: %r" % r)
        assert (r.returncode != 0) == (not report["valid"]), r
        cid = unique_id("cc")
        created = self.casing.run("create", "--bundle", self.bundle.path, cid)
        ran = sorted(os.listdir(self.markers))
        if created.returncode == 0:
            self.casing.run("delete", "--force", cid)
        return report, created, ran


def errors(report):
    return [p for p in report["problems"] if p["severity"] == "error"]


def undecided(report):
    return [p for p in report["problems"]
            if p["severity"] == "warning" and UNDECIDED_HINT in p.get("hint", "")]


def assert_agree(prober, config, what, subject=None):
    """The property.  `subject`: the path (or a prefix of it) the problem
    must be at; None: any path."""
    report, created, ran = prober.run(config)
    errs = errors(report)
    at = [p for p in errs if subject is None or p["path"].startswith(subject)]
    if errs:
        assert created.returncode != 0, "%s: check refused %s, create accepted" % (what, errs)
        assert ran == [], "%s: refused, but hooks ran: %s" % (what, ran)
        assert at, "%s: check refused it, but not at %s: %s" % (what, subject, errs)
        first = errs[0]["path"]
        assert first in created.stderr, "%s: create's error does not name %s: %r" % (
            what, first, created.stderr)
        return "refused"
    if created.returncode == 0:
        return "accepted"
    maybe = [p for p in undecided(report) if subject is None or p["path"].startswith(subject)]
    assert maybe, "%s: create failed (%s) but check found nothing to say" % (
        what, created.stderr.strip())
    return "undecided"


@pytest.fixture(scope="module")
def prober():
    """One bundle and one state directory for the whole module: a few
    hundred configs stay within a minute."""
    tmpdir = tempfile.mkdtemp(prefix="casing-check-create-")
    casing = Casing(os.path.join(tmpdir, "state"))
    try:
        yield Prober(casing, tmpdir)
    finally:
        casing.cleanup()
        shutil.rmtree(tmpdir, ignore_errors=True)


# ---- the parser's fixtures -------------------------------------------------

def expectations(directory, name):
    out = {}
    with open(os.path.join(DATA, directory, name)) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fixture, rest = line.rstrip("\n").split(": ", 1)
            out[fixture] = rest
    return out


def parser_path(message):
    """"config.json: process.user.uid: expected..." -> "process.user.uid";
    "" for a problem of the whole document."""
    rest = message.split(": ", 1)[1]
    head = rest.split(": ", 1)[0]
    return head if ": " in rest and " " not in head else ""


BAD = expectations("bad", "expected-errors.txt")


@pytest.mark.parametrize("fixture", sorted(BAD))
def test_parser_fixture_refused_by_both(prober, fixture):
    with open(os.path.join(DATA, "bad", fixture)) as f:
        text = f.read()
    try:
        config = json.loads(text)
    except ValueError:
        config = None
    # Keep the fixture's own root.path working: the bundle has a rootfs.
    assert assert_agree(prober, config if isinstance(config, dict) else text, fixture,
                        parser_path(BAD[fixture])) == "refused"


# ---- one fixture a rule of the runtime --------------------------------------

REFUSED = expectations("refused", "expected-paths.txt")


@pytest.mark.parametrize("fixture", sorted(REFUSED))
def test_runtime_rule_refused_by_both(prober, fixture):
    path, _, kind = REFUSED[fixture].partition(" (")
    kind = kind.rstrip(")")
    with open(os.path.join(DATA, "refused", fixture)) as f:
        config = merge_patch(default_config(), json.load(f))
    outcome = assert_agree(prober, config, fixture, path)
    if kind == "container":
        assert outcome == "undecided", "%s: expected create to fail in the container" % fixture
    elif kind != "host":
        assert outcome == "refused", "%s: expected a refusal at %s" % (fixture, path)


# ---- the generator ---------------------------------------------------------

def ints(*edges):
    return list(edges)


# (JSON path of the field, values).  A value replaces the field in the
# default config; objects are given whole.  The values are the edges of
# each range, wrong enums, empty lists and combinations the kernel refuses.
MUTATIONS = [
    ("process.oomScoreAdj", ints(-1001, -1000, -1, 0, 1000, 1001)),
    ("process.user.uid", ints(0, 65534, 2147483647, 2147483648, 4294967295)),
    ("process.user.gid", ints(0, 2147483647, 4294967295)),
    ("process.user.additionalGids", [[], [0, 0], [2147483648]]),
    ("process.user.umask", ints(0, 511, 4294967295)),
    ("process.ioPriority", [{"class": c, "priority": p}
                            for c in ("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE")
                            for p in (-1, 0, 7, 8)] + [{"class": "IOPRIO_CLASS_NONE", "priority": 0}]),
    ("process.scheduler", [{"policy": p} for p in ("SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
                                                    "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", "SCHED_NOPE")]
     + [{"policy": "SCHED_FIFO", "priority": p} for p in (0, 1, 99, 100)]
     + [{"policy": "SCHED_OTHER", "priority": 1}]
     + [{"policy": "SCHED_OTHER", "nice": n} for n in (-21, -20, 19, 20)]
     + [{"policy": "SCHED_DEADLINE", "runtime": r, "deadline": d, "period": p}
        for (r, d, p) in ((1023, 1000000, 0), (1024, 1000000, 0), (1000000, 1000000, 1000000),
                          (1000001, 1000000, 0), (100000, 1000000, 999999))]
     + [{"policy": "SCHED_BATCH", "flags": [f]} for f in
        ("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_NOPE")]),
    ("process.rlimits", [[], [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024},
                              {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024}],
                         [{"type": "RLIMIT_CORE", "soft": 1, "hard": 0}],
                         [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1048577}],
                         [{"type": "RLIMIT_RTPRIO", "soft": 0, "hard": 0}],
                         # The container's own limits: none of casing's setup runs under them.
                         [{"type": "RLIMIT_NOFILE", "soft": 0, "hard": 0}],
                         [{"type": "RLIMIT_AS", "soft": 0, "hard": 0}],
                         [{"type": "RLIMIT_CPU", "soft": 0, "hard": 0}],
                         [{"type": "RLIMIT_NPROC", "soft": 0, "hard": 0}],
                         [{"type": "RLIMIT_FSIZE", "soft": 0, "hard": 0}],
                         [{"type": "RLIMIT_NOPE", "soft": 1, "hard": 1}],
                         [{"type": "rlimit_core", "soft": 1, "hard": 1}]]),
    ("process.capabilities.bounding", [[], ["CAP_NOPE"], ["CAP_CHECKPOINT_RESTORE"], ["cap_kill"]]),
    ("process.capabilities.ambient", [["CAP_KILL"], ["CAP_SYS_ADMIN"]]),
    ("process.execCPUAffinity", [{"initial": v} for v in ("", "0", "0-", "1-0", "65536", "a")]),
    ("process.cwd", ["/", "/tmp", "/nonexistent/dir", "/etc/passwd", "relative", ""]),
    ("process.args", [[], ["sh"], ["/bin/sh"], ["/nonexistent"], ["nonexistent-program"]]),
    ("process.apparmorProfile", ["", "unconfined", "casing-no-such-profile"]),
    ("process.selinuxLabel", ["", "system_u:system_r:container_t:s0"]),
    ("hostname", ["", "h" * 64, "h" * 65]),
    ("domainname", ["", "d" * 64, "d" * 65]),
    ("linux.personality", [{"domain": "LINUX"}, {"domain": "LINUX32"}, {"domain": "LINUX", "flags": []},
                           {"domain": "LINUX", "flags": ["FOO"]}, {"domain": "PER_BSD"}]),
    ("linux.memoryPolicy", [{"mode": m} for m in ("MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE",
                                                  "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
                                                  "MPOL_PREFERRED_MANY", "MPOL_LOCAL", "MPOL_NOPE")]
     + [{"mode": m, "nodes": n} for m in ("MPOL_BIND", "MPOL_LOCAL", "MPOL_PREFERRED")
        for n in ("0", "63", "1-0", "0,")]
     + [{"mode": "MPOL_BIND", "nodes": "0", "flags": [f]} for f in
        ("MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES")]
     + [{"mode": "MPOL_PREFERRED", "flags": ["MPOL_F_STATIC_NODES"]},
        {"mode": "MPOL_DEFAULT", "flags": ["MPOL_F_NUMA_BALANCING"]},
        {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}]),
    ("linux.timeOffsets", [{"monotonic": {"secs": s, "nanosecs": n}}
                           for (s, n) in ((0, 0), (1, 999999999), (1, 1000000000), (-1, 0),
                                          (-10 ** 12, 0), (10 ** 12, 0))]),
    ("linux.devices", [[], [{"path": "/dev/casing-x", "type": t, "major": ma, "minor": mi}
                            for (t, ma, mi) in [("c", 1, 3)]],
                       [{"path": "/dev/casing-x", "type": "c", "major": 4096, "minor": 0}],
                       [{"path": "/dev/casing-x", "type": "c", "major": 1, "minor": 1048576}],
                       [{"path": "/dev/casing-x", "type": "b"}],
                       [{"path": "dev/casing-x", "type": "p"}]]),
    ("linux.sysctl", [{}, {"net.ipv4.ip_forward": "1"}, {"kernel.shmmax": "1000000"},
                      {"kernel.panic": "1"}, {"net.ipv4.nope": "1"}, {"net.ipv4.conf.casing0.forwarding": "1"}]),
    ("linux.maskedPaths", [[], ["/proc/kcore", "/nonexistent"], ["proc/kcore"]]),
    ("linux.readonlyPaths", [[], ["/proc/sys"], ["proc/sys"]]),
    ("linux.seccomp", [{"defaultAction": "SCMP_ACT_ALLOW"},
                       {"defaultAction": "SCMP_ACT_ERRNO"},
                       {"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1},
                       {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 65536},
                       {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_M68K"]},
                       {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG",
                                                                     "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]},
                       {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []},
                       {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["execve"],
                                                                         "action": "SCMP_ACT_KILL"}]},
                       {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["execve", "execveat"],
                                                                         "action": "SCMP_ACT_KILL"}]},
                       {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
                                                                         "args": [{"index": 6, "value": 0,
                                                                                   "op": "SCMP_CMP_EQ"}]}]},
                       {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"],
                                                                         "action": "SCMP_ACT_NOTIFY"}]},
                       {"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "x"}]),
    ("linux.uidMappings", [[], [{"containerID": 0, "hostID": 100000, "size": 0}]]),
    ("linux.namespaces", [[{"type": t} for t in ("pid", "mount", "uts", "ipc", "network", "cgroup", "time")],
                          [{"type": t} for t in ("pid", "mount", "uts", "mount")],
                          [{"type": t} for t in ("pid", "mount", "uts", "user")],
                          [{"type": "pid"}, {"type": "mount"}, {"type": "uts"},
                           {"type": "network", "path": "/proc/self/ns/uts"}],
                          [{"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "nope"}]]),
    ("mounts", [[]] + [[{"destination": "/proc", "type": "proc", "source": "proc"},
                        {"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": o}]
                       for o in ([], ["tmpcopyup"], ["idmap"], ["remount", "idmap"], ["size=1k", "mode=700"])]
     + [[{"destination": "/proc", "type": "proc", "source": "proc"},
         {"destination": d, "type": "bind", "source": s, "options": ["rbind"]}]
        for (d, s) in (("/mnt", "/tmp"), ("/mnt", "/nonexistent"), ("", "/tmp"), ("mnt", "/tmp"))]),
]


def set_path(config, path, value):
    *parents, last = path.split(".")
    obj = config
    for p in parents:
        obj = obj.setdefault(p, {})
    obj[last] = value


def subject_of(path):
    """Where a problem of a mutated field may be reported: in its object."""
    head = path.rsplit(".", 1)[0]
    return "" if path.count(".") == 0 else head


def mutations():
    for path, values in MUTATIONS:
        for i, v in enumerate(values):
            yield pytest.param(path, v, id="%s-%d" % (path, i))


@pytest.mark.parametrize("path,value", list(mutations()))
def test_generated_mutation_agrees(prober, path, value):
    config = default_config()
    set_path(config, path, copy.deepcopy(value))
    if path.startswith("linux.uidMappings"):
        config["linux"]["namespaces"].append({"type": "user"})
    # The parser reports where it looked; a runtime rule may look at the
    # field's object, or at what the value makes wrong elsewhere.
    assert_agree(prober, config, "%s = %s" % (path, json.dumps(value)), None)


# ---- what the command line asks of the host ---------------------------------

def test_systemd_driver_of_a_user_refused_by_both(casing, bundle, tmpdir_path):
    """The user's own systemd (the rootless driver, its user bus) is not
    tested in CI: `features` says systemdUser false; and without a user bus
    to ask, check and create refuse --systemd-cgroup with --rootless before
    anything exists."""
    bundle.set_args("true").save()
    features = casing.ok("features").json()
    assert features["linux"]["cgroup"]["systemdUser"] is False
    flags = ("--rootless=true", "--systemd-cgroup")
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env["XDG_RUNTIME_DIR"] = tmpdir_path  # no `bus` socket there
    r = casing.run("check", "--bundle", bundle.path, "--format", "json", global_args=flags, env=env)
    errs = [p for p in json.loads(r.stdout)["problems"] if p["severity"] == "error"]
    assert r.returncode == 1 and errs and errs[0]["path"] == "linux.cgroupsPath", r.stdout
    assert "no user bus" in errs[0]["message"], errs
    cid = unique_id("cc")
    r = casing.run("create", "--bundle", bundle.path, cid, global_args=flags, env=env)
    assert r.returncode != 0 and "--systemd-cgroup with --rootless" in r.stderr, r
    assert not os.path.exists(os.path.join(casing.root, cid)), "create left state behind"
