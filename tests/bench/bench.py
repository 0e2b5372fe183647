#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Benchmark of casing against crun, runc and the kernel's floor, on one
busybox rootfs.

    tests/bench/bench.py [-n ROUNDS] [--scenarios LIST] [--json FILE] [--trace]
                         [RUNTIME...]

A benchmark, not a test: it never fails on a time.  The scenarios
(--scenarios, comma separated; default all but trace):

  run        `RUNTIME run` of /bin/true (create + start + wait + delete) with
             the bundle's network namespace
  run-nonet  the same without a network namespace
  lifecycle  `create`, `start` and `delete` timed separately (three tables);
             the process is /bin/true, so `start` is the start command alone
             and `delete` removes a stopped container (what an engine does
             after the container exits); the wait for "stopped" in between
             is not timed
  exec       `RUNTIME exec ID /bin/true` into a running `sleep` container,
             one per runtime, started before the rounds
  throughput containers per second with 1, 2 and 8 loops (--loops) running
             `run` at the same time, each loop on its own container ids
  memory     the smallest linux.resources.memory.limit under which `run`
             succeeds, by bisection to 4 KiB (a page)
  trace      casing's per-step breakdown (`casing --trace`) of a run

Every timed scenario is interleaved round by round: a round takes one sample
of each scenario from each runtime, in an order that rotates every round, so
drift of the machine's speed (other jobs, frequency) hits every runtime
alike.  Round 0 warms the caches and is dropped.  Per runtime it reports the
median and 90th percentile of the wall time and of the CPU time (user +
system of the runtime and every process it waited for, from wait4), the
largest peak RSS of one process, and the ratio of each median to casing's.

`casing (ro exe)` is the same casing binary executed from a read-only bind
mount: there it needs no protection of its executable (src/confine/
exe_protect.c), so the difference to `casing` is what the re-execution from
a sealed copy costs per container.

`floor` is what the kernel needs at least: util-linux `unshare --mount --uts
--ipc --pid --cgroup [--net] --fork` of the bundle's namespaces, `chroot`
into the rootfs and exec of /bin/true (no cgroup, no mounts, no
capabilities); for exec, `nsenter` into casing's running container.
`harness` is the host's /bin/true alone: what taking a sample costs (fork
of this Python, busybox `time`, exec), part of every other row too.

The memory limit is the v1 memory controller's memory.limit_in_bytes here:
it charges page cache and kernel memory (page tables, slab) too, of what a
process allocates after it joined the cgroup.  A run under a tight limit is
noisy (reclaim, timing of the kill), so each bisection probe must pass
--mem-confirm times in a row and the result is confirmed --mem-final more
times.  `throughput` also reports scaling: the rate with N loops over the
same runtime's rate with 1 loop.

crun 1.8 refuses a hybrid host whose cgroup2 holds a controller: the whole
benchmark runs in a private mount namespace without /sys/fs/cgroup/unified,
the same for every runtime.
"""
import argparse
import copy
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from casing_fixtures import BUSYBOX, CASING, Bundle  # noqa: E402

PRIVATE_NS = "CASING_BENCH_PRIVATE_NS"
ALL_SCENARIOS = ["run", "run-nonet", "lifecycle", "exec", "throughput", "memory", "trace"]
PAGE = 4096
FLOOR = "floor"
# Absolute paths: busybox `time` and `sh` would run their own applets of
# these names instead of util-linux's.
UNSHARE, NSENTER, CHROOT = (shutil.which(p) or "/usr/bin/" + p for p in ("unshare", "nsenter", "chroot"))


def enter_private_mount_namespace():
    """Re-run this script in a mount namespace of its own, without the
    cgroup2 mount of a hybrid host (nothing changes outside)."""
    if os.environ.get(PRIVATE_NS) or not os.path.ismount("/sys/fs/cgroup/unified"):
        return
    env = dict(os.environ, **{PRIVATE_NS: "1"})
    script = 'umount /sys/fs/cgroup/unified && exec "$0" "$@"'
    os.execvpe("unshare", ["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                           sys.executable, *sys.argv], env)


class Sample:
    """One timed command: wall s, cpu s, peak KiB, exit code, stderr."""

    def __init__(self, wall, cpu, peak, rc, err):
        self.wall, self.cpu, self.peak, self.rc, self.err = wall, cpu, peak, rc, err

    def error(self):
        lines = self.err.strip().splitlines()
        return lines[-1] if lines else "exit %d" % self.rc


class Timer:
    """Runs commands under busybox `time`: the peak RSS of one process comes
    from it (a small static process: the largest RSS of the runtime's tree,
    not of a fork of this Python); the CPU time from wait4 of that busybox,
    which adds next to nothing.  Output goes to files, never to pipes: a
    detached container holds its stdio, a pipe would never reach EOF."""

    def __init__(self, work):
        self.err_path = os.path.join(work, "stderr")
        self.time_path = os.path.join(work, "time")

    def run(self, argv, timeout=60):
        if os.path.exists(self.time_path):
            os.unlink(self.time_path)
        with open(self.err_path, "w+") as err:
            t0 = time.perf_counter()
            p = subprocess.Popen([BUSYBOX, "time", "-o", self.time_path, "-f", "PEAK %M", *argv],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
            status, ru = wait4_timeout(p, timeout)
            wall = time.perf_counter() - t0
            err.seek(0)
            text = err.read()
        rc = os.waitstatus_to_exitcode(status)
        try:
            with open(self.time_path) as f:
                last = f.read().split()
        except OSError:
            last = []
        if len(last) != 2 or last[0] != "PEAK":
            return Sample(wall, 0.0, 0, rc or 1, text)
        return Sample(wall, ru.ru_utime + ru.ru_stime, int(last[1]), rc, text)


def wait4_timeout(p, timeout):
    """Blocking wait4 of a child (no polling: it would add its period to the
    wall time), killed after `timeout` s so that a runtime stuck under a
    tiny memory limit cannot hang the benchmark."""
    killer = threading.Timer(timeout, p.kill)
    killer.start()
    try:
        _, status, ru = os.wait4(p.pid, 0)
    finally:
        killer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    return status, ru


class Runtime:
    """An OCI runtime binary with a private --root."""

    scenarios = ("run", "run-nonet", "lifecycle", "exec", "throughput", "memory")

    def __init__(self, name, binary, tag):
        self.name, self.binary, self.tag = name, binary, tag
        self.root = tempfile.mkdtemp(prefix="casing-bench-root-")
        self.leftovers = set()

    def cmd(self, *args):
        return [self.binary, "--root", self.root, *args]

    def run_argv(self, bundle, cid):
        return self.cmd("run", "--bundle", bundle.path, cid)

    def status(self, cid):
        p = subprocess.run(self.cmd("state", cid), capture_output=True, text=True)
        try:
            return json.loads(p.stdout)["status"]
        except (ValueError, KeyError):
            return None

    def wait_status(self, cid, want, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status(cid) == want:
                return True
            time.sleep(0.001)
        return False

    def version(self):
        p = subprocess.run([self.binary, "--version"], capture_output=True, text=True)
        return (p.stdout.strip().splitlines() or ["?"])[0]

    def clean(self):
        for cid in self.leftovers:
            subprocess.run(self.cmd("delete", "--force", cid), capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


class Floor:
    """The kernel's floor: the bundle's namespaces by unshare, chroot, exec."""

    name = tag = FLOOR
    scenarios = ("run", "run-nonet", "exec", "throughput")

    def __init__(self, rootfs):
        self.rootfs = rootfs
        self.leftovers = ()

    def run_argv(self, bundle, cid):
        ns = ["--mount", "--uts", "--ipc", "--pid", "--cgroup"] + (["--net"] if bundle.net else [])
        return [UNSHARE, *ns, "--fork", CHROOT, self.rootfs, "/bin/true"]

    def exec_argv(self, pid):
        return [NSENTER, "-t", str(pid), "-m", "-u", "-i", "-n", "-p", "-C", "-r", "-w", "/bin/true"]

    def version(self):
        return subprocess.run([UNSHARE, "--version"], capture_output=True, text=True).stdout.strip()

    def clean(self):
        pass


class Harness:
    """/bin/true of the host alone: what the harness itself (fork of this
    Python, busybox `time`, exec) adds to every sample."""

    name, tag, scenarios, leftovers = "harness", "h", ("run", "run-nonet"), ()

    def run_argv(self, bundle, cid):
        return ["/bin/true"]

    def version(self):
        return "/bin/true"

    def clean(self):
        pass


class BenchBundle:
    """A bundle directory sharing the one rootfs (absolute root.path)."""

    def __init__(self, path, config, net=True):
        self.path, self.config, self.net = path, config, net
        os.makedirs(path, exist_ok=True)
        self.save()

    def save(self):
        with open(os.path.join(self.path, "config.json"), "w") as f:
            json.dump(self.config, f, indent=2)


def make_bundles(work):
    base = Bundle(os.path.join(work, "base"), args=["/bin/true"])
    cfg = base.config
    cfg["ociVersion"] = "1.0.2"  # crun 1.8 refuses newer versions
    cfg["process"]["terminal"] = False
    cfg["root"]["path"] = base.rootfs
    nonet = copy.deepcopy(cfg)
    nonet["linux"]["namespaces"] = [n for n in nonet["linux"]["namespaces"] if n["type"] != "network"]
    sleeping = copy.deepcopy(cfg)
    sleeping["process"]["args"] = ["sleep", "100000"]
    return base.rootfs, {
        "run": BenchBundle(os.path.join(work, "run"), cfg),
        "run-nonet": BenchBundle(os.path.join(work, "run-nonet"), nonet, net=False),
        "sleep": BenchBundle(os.path.join(work, "sleep"), sleeping),
    }


class Results:
    """samples[scenario][runtime] = {"wall": [...], "cpu": [...], "peak": KiB,
    "error": None}; throughput keeps "rate" and "cpu" per container."""

    def __init__(self):
        self.samples = {}

    def slot(self, scenario, name):
        return self.samples.setdefault(scenario, {}).setdefault(
            name, {"wall": [], "cpu": [], "rate": [], "peak": 0, "error": None})

    def failed(self, scenario, name):
        return self.samples.get(scenario, {}).get(name, {}).get("error") is not None

    def add(self, scenario, name, s, keep):
        r = self.slot(scenario, name)
        if s.rc != 0:
            r["error"] = s.error()
            return False
        if keep:
            r["wall"].append(s.wall)
            r["cpu"].append(s.cpu)
        r["peak"] = max(r["peak"], s.peak)
        return True


def rotate(items, i):
    k = i % len(items)
    return items[k:] + items[:k]


def uid(rt, *parts):
    """A container id of its own per runtime: the default cgroup path is
    made of the id, and the runtimes share the cgroup hierarchy."""
    return "-".join(["bench", str(os.getpid()), rt.tag] + [str(p) for p in parts])


def round_run(res, timer, order, bundle, scenario, i):
    for rt in order:
        if scenario in rt.scenarios and not res.failed(scenario, rt.name):
            res.add(scenario, rt.name, timer.run(rt.run_argv(bundle, uid(rt, scenario, i))), i > 0)


def round_lifecycle(res, timer, order, bundle, i):
    for rt in order:
        if "lifecycle" not in rt.scenarios or res.failed("create", rt.name):
            continue
        cid = uid(rt, "life", i)
        rt.leftovers.add(cid)
        if not res.add("create", rt.name, timer.run(rt.cmd("create", "--bundle", bundle.path, cid)), i > 0):
            continue
        if not res.add("start", rt.name, timer.run(rt.cmd("start", cid)), i > 0):
            res.slot("create", rt.name)["error"] = "start failed"
            continue
        if not rt.wait_status(cid, "stopped"):
            res.slot("create", rt.name)["error"] = "the container never stopped"
            continue
        if res.add("delete", rt.name, timer.run(rt.cmd("delete", cid)), i > 0):
            rt.leftovers.discard(cid)
        else:
            res.slot("create", rt.name)["error"] = "delete failed"


def start_exec_targets(res, timer, runtimes, bundle):
    """One running `sleep` container per runtime; the floor enters casing's."""
    targets = {}
    for rt in runtimes:
        cid = uid(rt, "exec")
        rt.leftovers.add(cid)
        s = timer.run(rt.cmd("create", "--bundle", bundle.path, cid))
        if s.rc == 0:
            s = timer.run(rt.cmd("start", cid))
        if s.rc != 0 or not rt.wait_status(cid, "running"):
            res.slot("exec", rt.name)["error"] = "exec target: " + (s.error() if s.rc else "not running")
            continue
        targets[rt.name] = cid
        if rt.name == "casing":
            p = subprocess.run(rt.cmd("state", cid), capture_output=True, text=True)
            targets[FLOOR] = json.loads(p.stdout)["pid"]
    return targets


def round_exec(res, timer, order, targets, i):
    for rt in order:
        if "exec" not in rt.scenarios:
            continue
        if rt.name not in targets:
            res.slot("exec", rt.name)["error"] = res.slot("exec", rt.name)["error"] or "no target"
            continue
        if res.failed("exec", rt.name):
            continue
        if isinstance(rt, Floor):
            argv = rt.exec_argv(targets[FLOOR])
        else:
            argv = rt.cmd("exec", targets[rt.name], "/bin/true")
        res.add("exec", rt.name, timer.run(argv), i > 0)


def throughput_once(rt, bundle, loops, per_loop, tag, work):
    """`loops` shell loops of `per_loop` sequential runs each, all at once:
    (containers per second, CPU s per container, error or None)."""
    procs = []
    t0 = time.perf_counter()
    for n in range(loops):
        script = " && ".join(shlex.join(rt.run_argv(bundle, uid(rt, tag, n, j))) for j in range(per_loop))
        err = open(os.path.join(work, "loop-%d.err" % n), "w+")
        procs.append((subprocess.Popen([BUSYBOX, "sh", "-c", script], stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=err), err))
    cpu, error = 0.0, None
    for p, err in procs:
        status, ru = wait4_timeout(p, 300)
        cpu += ru.ru_utime + ru.ru_stime
        if os.waitstatus_to_exitcode(status) != 0 and error is None:
            err.seek(0)
            error = (err.read().strip().splitlines() or ["loop exit %d" % p.returncode])[-1]
        err.close()
    elapsed = time.perf_counter() - t0
    return loops * per_loop / elapsed, cpu / (loops * per_loop), error


def round_throughput(res, order, bundle, loops_list, per_loop, work, i):
    for loops in loops_list:
        scenario = "throughput-%d" % loops
        for rt in order:
            if "throughput" not in rt.scenarios or res.failed(scenario, rt.name):
                continue
            rate, cpu, error = throughput_once(rt, bundle, loops, per_loop, "tp%d-%d" % (loops, i), work)
            r = res.slot(scenario, rt.name)
            if error:
                r["error"] = error
            elif i > 0:
                r["rate"].append(rate)
                r["cpu"].append(cpu)


def run_rounds(res, timer, everyone, bundles, scenarios, a, work):
    runtimes = [rt for rt in everyone if isinstance(rt, Runtime)]
    targets = start_exec_targets(res, timer, runtimes, bundles["sleep"]) if "exec" in scenarios else {}
    for i in range(a.rounds + 1):
        order = rotate(everyone, i)
        for scenario in ("run", "run-nonet"):
            if scenario in scenarios:
                round_run(res, timer, order, bundles[scenario], scenario, i)
        if "lifecycle" in scenarios:
            round_lifecycle(res, timer, order, bundles["run"], i)
        if "exec" in scenarios:
            round_exec(res, timer, order, targets, i)
        if "throughput" in scenarios:
            round_throughput(res, order, bundles["run"], a.loops, a.per_loop, work, i)
        print("round %d/%d done (load %.2f)" % (i, a.rounds, os.getloadavg()[0]), file=sys.stderr)


class MemorySearch:
    """Bisection of one runtime's smallest memory limit on the container's
    cgroup (v1 memory controller here: memory.limit_in_bytes, which charges
    page cache and kernel memory too, allocated after the process joined).
    A limit passes when `confirm` runs in a row succeed; the result is then
    confirmed `final` more times, raising it a page at a time on failure."""

    def __init__(self, rt, base_config, work, timer, confirm, final):
        self.rt, self.timer, self.confirm, self.final = rt, timer, confirm, final
        self.config = copy.deepcopy(base_config)
        self.bundle = BenchBundle(os.path.join(work, "mem-%s" % rt.name.replace(" ", "_")), self.config)
        self.lo, self.hi = PAGE, 64 << 20
        self.runs = self.failures = 0
        self.lowest_success = None
        self.error = None
        self.confirmed = False

    def probe(self, limit):
        self.config["linux"].setdefault("resources", {})["memory"] = {"limit": limit}
        self.bundle.save()
        cid = uid(self.rt, "mem", self.runs)
        self.runs += 1
        self.rt.leftovers.add(cid)
        ok = self.timer.run(self.rt.run_argv(self.bundle, cid), timeout=30).rc == 0
        if ok:
            self.rt.leftovers.discard(cid)
            self.lowest_success = min(limit, self.lowest_success or limit)
        else:
            self.failures += 1
        return ok

    def passes(self, limit, times):
        return all(self.probe(limit) for _ in range(times))

    def start(self):
        if not self.passes(self.hi, self.confirm):
            self.error = "fails even at %d KiB" % (self.hi >> 10)
        elif self.probe(self.lo):
            self.error = "succeeds at %d KiB: is the limit applied?" % (self.lo >> 10)

    def done(self):
        return self.error is not None or self.confirmed

    def step(self):
        """One bisection step, or one final confirmation."""
        if self.hi - self.lo > PAGE:
            mid = (self.lo + self.hi) // 2 // PAGE * PAGE
            if self.passes(mid, self.confirm):
                self.hi = mid
            else:
                self.lo = mid
        elif self.passes(self.hi, self.final):
            self.confirmed = True
        else:
            self.lo, self.hi = self.hi, self.hi + PAGE
            if self.hi > 64 << 20:
                self.error = "no stable limit"

    def summary(self):
        if self.error:
            return {"error": self.error}
        return {"min_limit_kib": self.hi >> 10, "lowest_single_success_kib": self.lowest_success >> 10,
                "runs": self.runs, "failed_runs": self.failures}


def memory_phase(runtimes, base_config, work, timer, a):
    """All runtimes' bisections in lockstep, one step of each in turn."""
    searches = [MemorySearch(rt, base_config, work, timer, a.mem_confirm, a.mem_final) for rt in runtimes]
    for s in searches:
        s.start()
    i = 0
    while not all(s.done() for s in searches):
        for s in rotate(searches, i):
            if not s.done():
                s.step()
        i += 1
    print("memory bisection done (load %.2f)" % os.getloadavg()[0], file=sys.stderr)
    out = {s.rt.name: s.summary() for s in searches}
    base = out.get("casing", {}).get("min_limit_kib")
    for s in out.values():
        if base and "min_limit_kib" in s:
            s["limit_ratio_to_casing"] = s["min_limit_kib"] / base
    return out


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def summarize_times(per_runtime, names):
    base = per_runtime.get("casing")
    base_ok = base and not base["error"] and base["wall"]
    out = {}
    for name, r in ((n, per_runtime[n]) for n in names if n in per_runtime):
        if r["error"] or not r["wall"]:
            out[name] = {"error": r["error"] or "no samples"}
            continue
        s = {"runs": len(r["wall"]),
             "wall_median_ms": statistics.median(r["wall"]) * 1e3,
             "wall_p90_ms": pct(r["wall"], 0.9) * 1e3,
             "cpu_median_ms": statistics.median(r["cpu"]) * 1e3,
             "cpu_p90_ms": pct(r["cpu"], 0.9) * 1e3,
             "peak_rss_kib": r["peak"],
             "wall_samples_ms": [round(w * 1e3, 3) for w in r["wall"]],
             "cpu_samples_ms": [round(c * 1e3, 3) for c in r["cpu"]]}
        if base_ok:
            s["wall_ratio_to_casing"] = statistics.median(r["wall"]) / statistics.median(base["wall"])
            s["cpu_ratio_to_casing"] = statistics.median(r["cpu"]) / statistics.median(base["cpu"])
        out[name] = s
    return out


def summarize_throughput(per_runtime, names, single):
    """Containers per second; `single` is the same runtime's 1-loop rate."""
    base = per_runtime.get("casing")
    base_ok = base and not base["error"] and base["rate"]
    out = {}
    for name, r in ((n, per_runtime[n]) for n in names if n in per_runtime):
        if r["error"] or not r["rate"]:
            out[name] = {"error": r["error"] or "no samples"}
            continue
        s = {"rounds": len(r["rate"]),
             "per_s_median": statistics.median(r["rate"]),
             "per_s_p10": pct(r["rate"], 0.1),
             "cpu_ms_per_container_median": statistics.median(r["cpu"]) * 1e3,
             "rate_samples": [round(x, 2) for x in r["rate"]]}
        one = (single or {}).get(name)
        if one and "per_s_median" in one:
            s["scaling_vs_1_loop"] = s["per_s_median"] / one["per_s_median"]
        if base_ok:
            s["rate_ratio_to_casing"] = s["per_s_median"] / statistics.median(base["rate"])
        out[name] = s
    return out


def print_times(title, summary):
    print("\n## %s" % title)
    print("%-16s %4s %9s %9s %9s %9s %9s %7s %7s" % ("runtime", "n", "wall med", "wall p90", "cpu med",
                                                    "cpu p90", "peak KiB", "wall/c", "cpu/c"))
    for name, s in summary.items():
        if "error" in s:
            print("%-16s %s" % (name, s["error"]))
            continue
        print("%-16s %4d %7.2fms %7.2fms %7.2fms %7.2fms %9d %7.2f %7.2f" % (
            name, s["runs"], s["wall_median_ms"], s["wall_p90_ms"], s["cpu_median_ms"], s["cpu_p90_ms"],
            s["peak_rss_kib"], s.get("wall_ratio_to_casing", 0), s.get("cpu_ratio_to_casing", 0)))
    c, ro = summary.get("casing"), summary.get("casing (ro exe)")
    if c and ro and "error" not in c and "error" not in ro:
        print("binary protection (re-execution from a sealed copy): %+.2f ms wall, %+.2f ms cpu"
              % (c["wall_median_ms"] - ro["wall_median_ms"], c["cpu_median_ms"] - ro["cpu_median_ms"]))


def print_throughput(title, summary):
    print("\n## %s" % title)
    print("%-16s %4s %10s %10s %12s %9s %9s" % ("runtime", "n", "c/s med", "c/s p10", "cpu ms/c",
                                                "scaling", "c/s / c"))
    for name, s in summary.items():
        if "error" in s:
            print("%-16s %s" % (name, s["error"]))
            continue
        print("%-16s %4d %10.1f %10.1f %12.2f %9s %9.2f" % (
            name, s["rounds"], s["per_s_median"], s["per_s_p10"], s["cpu_ms_per_container_median"],
            "%.2f" % s["scaling_vs_1_loop"] if "scaling_vs_1_loop" in s else "-",
            s.get("rate_ratio_to_casing", 0)))


def print_memory(summary):
    print("\n## memory: smallest memory.limit under which `run` of /bin/true succeeds (v1 memcg)")
    print("%-16s %12s %14s %6s %7s %8s" % ("runtime", "limit KiB", "lowest ok KiB", "runs", "failed",
                                          "limit/c"))
    for name, s in summary.items():
        if "error" in s:
            print("%-16s %s" % (name, s["error"]))
            continue
        print("%-16s %12d %14d %6d %7d %8.2f" % (name, s["min_limit_kib"], s["lowest_single_success_kib"],
                                                 s["runs"], s["failed_runs"], s.get("limit_ratio_to_casing", 0)))


def trace_breakdown(bundle, rounds):
    """Median duration of each step of `casing --trace` over `rounds` runs
    (src/core/trace.h): where the time of a run goes."""
    root = tempfile.mkdtemp(prefix="casing-bench-root-")
    trace = os.path.join(root, "trace.jsonl")
    per_step, order = {}, []
    try:
        for i in range(rounds):
            if os.path.exists(trace):
                os.unlink(trace)
            subprocess.run([CASING, "--trace", trace, "--root", root, "run", "--bundle", bundle.path,
                            "bench-trace-%d-%d" % (os.getpid(), i)], check=True, stdout=subprocess.DEVNULL)
            with open(trace) as f:
                for line in f:
                    r = json.loads(line)
                    if r["level"] > 1:
                        continue
                    key = (r["proc"], r["level"], r["step"])
                    if key not in per_step:
                        order.append(key)
                    per_step.setdefault(key, []).append(r["dur_us"])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("\n## per-step breakdown of `casing run` (median of %d runs; level 1 steps are inside the one above)"
          % rounds)
    print("%-14s %-24s %10s" % ("process", "step", "median us"))
    steps = []
    for key in order:
        proc, level, step = key
        med = statistics.median(per_step[key])
        steps.append({"proc": proc, "level": level, "step": step, "median_us": med, "runs": len(per_step[key])})
        print("%-14s %-24s %10d" % (proc, ("  " * level) + step, med))
    return steps


def machine_state():
    up = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    return {"uptime": up, "loadavg": list(os.getloadavg()), "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def pick_runtimes(wanted, ro_path):
    runtimes, floor = [], None
    for r in wanted:
        if r == "casing":
            runtimes.append(Runtime("casing", CASING, "c"))
        elif r == "casing-ro":
            runtimes.append(Runtime("casing (ro exe)", ro_path, "cro"))
        elif r == FLOOR:
            floor = True
        elif shutil.which(r) or os.path.exists(r):
            runtimes.append(Runtime(os.path.basename(r), shutil.which(r) or r, "r%d" % len(runtimes)))
        else:
            print("%s: not found, skipped" % r, file=sys.stderr)
    return runtimes, floor


class ReadOnlyCopy:
    """The casing binary seen through a read-only bind mount."""

    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix="casing-bench-ro-")
        self.path = os.path.join(self.dir, "casing")
        open(self.path, "w").close()
        subprocess.run(["mount", "--bind", binary, self.path], check=True)
        subprocess.run(["mount", "-o", "remount,bind,ro", self.path], check=True)

    def remove(self):
        subprocess.run(["umount", self.path], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def parse_args():
    ap = argparse.ArgumentParser(description="casing benchmark (never a test: nothing fails on a time)")
    ap.add_argument("-n", "--rounds", type=int, default=40, help="measured rounds (one more warms up)")
    ap.add_argument("--scenarios", default=",".join(s for s in ALL_SCENARIOS if s != "trace"),
                    help="comma separated, from: " + ",".join(ALL_SCENARIOS))
    ap.add_argument("--loops", default="1,2,8", help="concurrent loops of the throughput scenario")
    ap.add_argument("--per-loop", type=int, default=5, help="sequential runs per loop and round")
    ap.add_argument("--mem-confirm", type=int, default=2, help="runs in a row that make a limit pass")
    ap.add_argument("--mem-final", type=int, default=5, help="runs confirming the limit found")
    ap.add_argument("--json", help="also write the figures there")
    ap.add_argument("--trace", action="store_true", help="also print casing's per-step breakdown")
    ap.add_argument("runtimes", nargs="*",
                    help="casing, casing-ro, crun, runc, floor or paths (default: all found)")
    a = ap.parse_args()
    a.scenarios = [s for s in a.scenarios.split(",") if s]
    unknown = set(a.scenarios) - set(ALL_SCENARIOS)
    if unknown:
        ap.error("unknown scenarios: " + ",".join(sorted(unknown)))
    if a.trace and "trace" not in a.scenarios:
        a.scenarios.append("trace")
    a.loops = [int(x) for x in a.loops.split(",") if x]
    return a


def benchmark(a, runtimes, floor, bundles, rootfs, work, out):
    timer = Timer(work)
    res = Results()
    timed = {"run", "run-nonet", "lifecycle", "exec", "throughput"} & set(a.scenarios)
    everyone = runtimes + ([Floor(rootfs)] if floor else []) + [Harness()]
    names = [rt.name for rt in everyone]
    if timed:
        run_rounds(res, timer, everyone, bundles, a.scenarios, a, work)
    for scenario in ("run", "run-nonet", "create", "start", "delete", "exec"):
        if scenario in res.samples:
            out["scenarios"][scenario] = summarize_times(res.samples[scenario], names)
    single = None
    for loops in a.loops:
        scenario = "throughput-%d" % loops
        if scenario in res.samples:
            out["scenarios"][scenario] = summarize_throughput(res.samples[scenario], names, single)
            if loops == 1:
                single = out["scenarios"][scenario]
    if "memory" in a.scenarios:
        out["scenarios"]["memory"] = memory_phase(runtimes, bundles["run"].config, work, timer, a)


TITLES = {
    "run": "run of /bin/true (create + start + wait + delete), with a network namespace",
    "run-nonet": "run of /bin/true without a network namespace",
    "create": "create (the process is /bin/true)",
    "start": "start (returns once the process is started)",
    "delete": "delete of a stopped container",
    "exec": "exec of /bin/true into a running container (floor: nsenter into casing's)",
}


def print_all(out):
    m = out["meta"]
    print("# casing benchmark: %d rounds, interleaved; %s" % (m["rounds"], m["kernel"]))
    print("# runtimes: " + "; ".join("%s = %s" % kv for kv in m["versions"].items()))
    print("# before: %s" % m["before"]["uptime"])
    print("# after:  %s" % m["after"]["uptime"])
    for scenario, summary in out["scenarios"].items():
        if scenario in TITLES:
            print_times(TITLES[scenario], summary)
        elif scenario.startswith("throughput-"):
            n = scenario.split("-")[1]
            print_throughput("throughput: %s concurrent loops of run (containers per second; scaling = "
                             "rate / the runtime's own 1-loop rate)" % n, summary)
        elif scenario == "memory":
            print_memory(summary)


def main():
    a = parse_args()
    enter_private_mount_namespace()
    ro = ReadOnlyCopy(CASING)
    runtimes, floor = pick_runtimes(a.runtimes or ["casing", "casing-ro", "crun", "runc", FLOOR], ro.path)
    work = tempfile.mkdtemp(prefix="casing-bench-")
    out = {"meta": {"rounds": a.rounds, "scenarios": a.scenarios, "loops": a.loops, "per_loop": a.per_loop,
                    "kernel": "Linux " + platform.release(), "cpus": os.cpu_count(),
                    "before": machine_state(),
                    "versions": {rt.name: rt.version() for rt in runtimes}},
           "scenarios": {}}
    if floor:
        out["meta"]["versions"][FLOOR] = Floor("").version()
    try:
        rootfs, bundles = make_bundles(work)
        benchmark(a, runtimes, floor, bundles, rootfs, work, out)
        out["meta"]["after"] = machine_state()
        print_all(out)
        if "trace" in a.scenarios:
            out["trace"] = trace_breakdown(bundles["run"], max(5, a.rounds // 4))
    finally:
        for rt in runtimes:
            rt.clean()
        shutil.rmtree(work, ignore_errors=True)
        ro.remove()
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
