# SPDX-License-Identifier: GPL-2.0-or-later
"""The per-step trace (`casing --trace FILE`, CASING_TRACE): every step
appears, from the process that ran it; the runtime's top-level steps cover
its run; no fd of the trace reaches the container."""
import json
import os
import time

from casing_fixtures import unique_id

RUN_STEPS = ["startup", "exec-protect", "protect", "config", "seccomp-listener", "state-record",
             "cgroup-create", "namespaces-prepare", "rootfs-prepare", "start-socket", "clone",
             "parent-setup", "init-setup", "created", "start-connect", "start-exec", "started",
             "process-running", "delete-kill", "delete-cgroup", "delete-release", "delete-state"]
INIT_STEPS = ["wait-parent", "namespaces", "uts-sysctl", "keyring", "rootfs", "hooks-createContainer",
              "pivot", "rootfs-finalize", "process-attributes", "program-check"]
PIVOTED_STEPS = ["hooks-startContainer", "lsm-label", "program-open", "chdir", "confine", "final-checks"]


def records(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def steps_of(recs, proc=None, level=None):
    return [r["step"] for r in recs
            if (proc is None or r["proc"] == proc) and (level is None or r["level"] == level)]


def test_run_traces_every_step(casing, bundle, tmpdir_path):
    trace = os.path.join(tmpdir_path, "trace.jsonl")
    bundle.set_args("true").save()
    t0 = time.monotonic()
    casing.ok("run", "-b", bundle.path, unique_id("trace"), global_args=("--trace", trace))
    wall_us = (time.monotonic() - t0) * 1e6
    recs = records(trace)
    for r in recs:
        assert set(r) >= {"step", "proc", "pid", "start_us", "dur_us", "level"}, r
    runtime = steps_of(recs, "runtime", 0)
    for s in RUN_STEPS:
        assert s in runtime, (s, runtime)
    for s in INIT_STEPS:
        assert s in steps_of(recs) and any(r["step"] == s and r["proc"] in ("init", "init-pivoted")
                                           for r in recs), s
    for s in PIVOTED_STEPS:
        assert any(r["step"] == s and r["proc"] == "init-pivoted" for r in recs), s
    mounts = [r["detail"] for r in recs if r["step"] == "mount"]
    assert "/proc" in mounts and "/dev/pts" in mounts, mounts
    assert [r for r in recs if r["step"] == "cgroup-mkdir" and r["detail"].startswith("/sys/fs/cgroup")]
    assert [r for r in recs if r["step"] == "cgroup-apply" and r["detail"] == "devices"]
    # The runtime's level 0 steps follow each other and cover its run: what
    # they leave out is the dynamic loader before main and the exit.
    top = sorted((r for r in recs if r["proc"] == "runtime" and r["level"] == 0), key=lambda r: r["start_us"])
    covered = sum(r["dur_us"] for r in top)
    end = max(r["start_us"] + r["dur_us"] for r in top)
    for a, b in zip(top, top[1:]):
        assert a["start_us"] + a["dur_us"] <= b["start_us"] + 50, (a, b)
    assert covered >= 0.9 * end, (covered, end, top)
    assert end <= wall_us and end >= 0.6 * wall_us, (end, wall_us)


def test_exec_traces_joiner_and_container_process(casing, bundle, tmpdir_path):
    trace = os.path.join(tmpdir_path, "trace.jsonl")
    bundle.set_args("sleep", "30").save()
    cid = unique_id("trace")
    casing.ok("run", "-d", "-b", bundle.path, cid)
    env = dict(os.environ, CASING_TRACE=trace)
    casing.ok("exec", cid, "true", env=env)
    recs = records(trace)
    assert {"startup", "exec-protect", "exec-prepare", "exec-spawn", "process-running"} <= set(
        steps_of(recs, "runtime", 0)), recs
    assert {"namespaces", "attributes-label-cwd", "confine"} <= set(steps_of(recs, "exec-joiner")), recs
    assert {"program-open", "final-checks"} <= set(steps_of(recs, "container-process")), recs


def test_no_trace_fd_in_the_container(casing, bundle, tmpdir_path):
    trace = os.path.join(tmpdir_path, "trace.jsonl")
    bundle.set_args("sleep", "30").save()
    cid = unique_id("trace")
    casing.ok("create", "-b", bundle.path, cid, global_args=("--trace", trace))
    pid = casing.state(cid)["pid"]
    held = [os.readlink("/proc/%d/fd/%s" % (pid, fd)) for fd in os.listdir("/proc/%d/fd" % pid)]
    assert not [h for h in held if "trace.jsonl" in h], held
    casing.ok("start", cid, global_args=("--trace", trace))
    held = [os.readlink("/proc/%d/fd/%s" % (pid, fd)) for fd in os.listdir("/proc/%d/fd" % pid)]
    assert not [h for h in held if "trace.jsonl" in h], held


def test_trace_off_writes_nothing_and_a_symlink_is_refused(casing, bundle, tmpdir_path):
    victim = os.path.join(tmpdir_path, "victim")
    with open(victim, "w") as f:
        f.write("keep\n")
    link = os.path.join(tmpdir_path, "trace-link")
    os.symlink(victim, link)
    bundle.set_args("true").save()
    r = casing.run("run", "-b", bundle.path, unique_id("trace"), global_args=("--trace", link))
    assert r.returncode == 0 and "tracing is off" in r.stderr, r
    with open(victim) as f:
        assert f.read() == "keep\n"
    env = {k: v for k, v in os.environ.items() if k != "CASING_TRACE"}
    casing.ok("run", "-b", bundle.path, unique_id("trace"), env=env)
    assert not [f for f in os.listdir(tmpdir_path) if f.endswith(".jsonl")]


def test_device_rules_before_the_init_makes_dev(casing, bundle, tmpdir_path):
    """cgroup v1 takes the device rules one write at a time, deny-all first:
    an init making its /dev nodes in between gets EPERM from mknod (seen in
    CI as `mknod /dev/random: Operation not permitted`).  The rules are in
    place before the init is let go, i.e. before its wait-parent step ends."""
    trace = os.path.join(tmpdir_path, "trace.jsonl")
    bundle.set_args("true").save()
    casing.ok("run", "-b", bundle.path, unique_id("trace"), global_args=("--trace", trace))
    recs = records(trace)
    dev = [r for r in recs if r["step"] == "cgroup-apply" and r["detail"] == "devices"]
    wait = [r for r in recs if r["step"] == "wait-parent" and r["proc"] == "init"]
    rootfs = [r for r in recs if r["step"] == "rootfs" and r["proc"] == "init"]
    assert len(dev) == 1 and len(wait) == 1 and len(rootfs) == 1, recs
    dev_end = dev[0]["start_us"] + dev[0]["dur_us"]
    assert dev_end <= wait[0]["start_us"] + wait[0]["dur_us"], (dev, wait)
    assert dev_end <= rootfs[0]["start_us"], (dev, rootfs)
