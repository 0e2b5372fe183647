#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Benchmark: `RUNTIME run` of /bin/true on a busybox bundle, for casing,
crun and runc, interleaved round by round so that drift of the machine's
speed hits every runtime alike.

    tests/bench/bench.py [-n ROUNDS] [--json FILE] [RUNTIME...]

A benchmark, not a test: it never fails on a time.  Per runtime it prints
the median and 90th percentile of the wall time and of the CPU time (user +
system of the runtime and every process it waited for) of a whole `run`
(create + start + wait + delete), the largest peak RSS of one process, and
the ratio of each median to casing's.

`casing (ro exe)` is the same casing binary executed from a read-only bind
mount: there it needs no protection of its executable (src/confine/
exe_protect.c), so the difference to `casing` is what the re-execution from
a sealed copy costs per container.

crun 1.8 refuses a hybrid host whose cgroup2 holds a controller: the whole
benchmark runs in a private mount namespace without /sys/fs/cgroup/unified,
the same for every runtime.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from casing_fixtures import BUSYBOX, CASING, Bundle  # noqa: E402

PRIVATE_NS = "CASING_BENCH_PRIVATE_NS"


def enter_private_mount_namespace():
    """Re-run this script in a mount namespace of its own, without the
    cgroup2 mount of a hybrid host (nothing changes outside)."""
    if os.environ.get(PRIVATE_NS) or not os.path.ismount("/sys/fs/cgroup/unified"):
        return
    env = dict(os.environ, **{PRIVATE_NS: "1"})
    script = 'umount /sys/fs/cgroup/unified && exec "$0" "$@"'
    os.execvpe("unshare", ["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                           sys.executable, *sys.argv], env)


def run_once(argv):
    """(wall s, cpu s, peak KiB, rc, stderr) of one command and what it
    waited for.  The peak RSS of one process comes from busybox's `time`
    (a small static process: the largest RSS of the runtime's tree, not of
    a fork of this Python); the CPU time (user + system, in microseconds)
    from wait4 of that busybox, which adds next to nothing."""
    t0 = time.perf_counter()
    p = subprocess.Popen([BUSYBOX, "time", "-f", "PEAK %M", *argv], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode(errors="replace")
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.stderr.close()
    lines = err.strip().splitlines()
    last = lines[-1].split() if lines else []
    rc = os.waitstatus_to_exitcode(status)
    if len(last) != 2 or last[0] != "PEAK":
        return wall, 0.0, 0, rc or 1, err
    return wall, ru.ru_utime + ru.ru_stime, int(last[1]), rc, "\n".join(lines[:-1])


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


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def bench(runtimes, bundle, rounds):
    """Interleaved: round i runs every runtime once, in turn."""
    roots = {name: tempfile.mkdtemp(prefix="casing-bench-root-") for name, _ in runtimes}
    results = {name: {"wall": [], "cpu": [], "rss": 0, "error": None} for name, _ in runtimes}
    try:
        for i in range(rounds):
            for name, binary in runtimes:
                r = results[name]
                if r["error"]:
                    continue
                cid = "bench-%d-%d" % (os.getpid(), i)
                wall, cpu, rss, rc, err = run_once([binary, "--root", roots[name], "run",
                                                    "--bundle", bundle.path, cid])
                if rc != 0:
                    r["error"] = err.strip().splitlines()[-1] if err.strip() else "exit %d" % rc
                    continue
                if i > 0:  # the first round warms the caches
                    r["wall"].append(wall)
                    r["cpu"].append(cpu)
                r["rss"] = max(r["rss"], rss)
    finally:
        for d in roots.values():
            shutil.rmtree(d, ignore_errors=True)
    return results


def summarize(results):
    base = results.get("casing")
    out = {}
    for name, r in results.items():
        if r["error"] or not r["wall"]:
            out[name] = {"error": r["error"] or "no samples"}
            continue
        s = {"runs": len(r["wall"]),
             "wall_median_ms": statistics.median(r["wall"]) * 1e3,
             "wall_p90_ms": pct(r["wall"], 0.9) * 1e3,
             "cpu_median_ms": statistics.median(r["cpu"]) * 1e3,
             "cpu_p90_ms": pct(r["cpu"], 0.9) * 1e3,
             "peak_rss_kib": r["rss"]}
        if base and not base["error"] and base["wall"]:
            s["wall_ratio_to_casing"] = s["wall_median_ms"] / (statistics.median(base["wall"]) * 1e3)
            s["cpu_ratio_to_casing"] = s["cpu_median_ms"] / (statistics.median(base["cpu"]) * 1e3)
        out[name] = s
    return out


def print_table(summary):
    print("%-16s %9s %9s %9s %9s %10s %8s %8s" % ("runtime", "wall med", "wall p90", "cpu med",
                                                  "cpu p90", "peak KiB", "wall/c", "cpu/c"))
    for name, s in summary.items():
        if "error" in s:
            print("%-16s %s" % (name, s["error"]))
            continue
        print("%-16s %8.2fms %8.2fms %8.2fms %8.2fms %10d %8.2f %8.2f" % (
            name, s["wall_median_ms"], s["wall_p90_ms"], s["cpu_median_ms"], s["cpu_p90_ms"],
            s["peak_rss_kib"], s.get("wall_ratio_to_casing", 0), s.get("cpu_ratio_to_casing", 0)))
    c, ro = summary.get("casing"), summary.get("casing (ro exe)")
    if c and ro and "error" not in c and "error" not in ro:
        print("binary protection (re-execution from a sealed copy): %+.2f ms wall, %+.2f ms cpu per container"
              % (c["wall_median_ms"] - ro["wall_median_ms"], c["cpu_median_ms"] - ro["cpu_median_ms"]))


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
                            "trace-%d-%d" % (os.getpid(), i)], check=True, stdout=subprocess.DEVNULL)
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
    print("\nper-step breakdown of `casing run` (median of %d runs; level 1 steps are inside the one above)" % rounds)
    print("%-14s %-24s %10s" % ("process", "step", "median us"))
    for key in order:
        proc, level, step = key
        print("%-14s %-24s %10d" % (proc, ("  " * level) + step, statistics.median(per_step[key])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", "--rounds", type=int, default=40)
    ap.add_argument("--json", help="also write the figures there")
    ap.add_argument("--trace", action="store_true", help="also print casing's per-step breakdown")
    ap.add_argument("runtimes", nargs="*", help="casing, crun, runc or paths (default: all found)")
    a = ap.parse_args()
    enter_private_mount_namespace()
    ro = ReadOnlyCopy(CASING)
    try:
        wanted = a.runtimes or ["casing", "casing-ro", "crun", "runc"]
        runtimes = []
        for r in wanted:
            if r == "casing":
                runtimes.append(("casing", CASING))
            elif r == "casing-ro":
                runtimes.append(("casing (ro exe)", ro.path))
            elif shutil.which(r) or os.path.exists(r):
                runtimes.append((os.path.basename(r), shutil.which(r) or r))
        work = tempfile.mkdtemp(prefix="casing-bench-")
        try:
            bundle = Bundle(os.path.join(work, "bundle"), args=["/bin/true"])
            bundle.config["process"]["terminal"] = False
            bundle.config["ociVersion"] = "1.0.2"  # crun 1.8 refuses newer versions
            bundle.save()
            summary = summarize(bench(runtimes, bundle, a.rounds + 1))
            if a.trace:
                trace_breakdown(bundle, max(5, a.rounds // 4))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    finally:
        ro.remove()
    print_table(summary)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
