#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Benchmark: time and peak memory of `RUNTIME run` of /bin/true on a busybox
bundle, for casing and (when installed) runc and crun, on the same bundle.

    tests/bench/bench.py [-n RUNS] [RUNTIME...]

A benchmark, not a test: it never fails on a time.  Prints, per runtime, the
median and 90th percentile wall time of a whole `run` (create + start + wait +
delete) and the peak RSS of the runtime's process tree (busybox time %M: the
runtime, and what it forks before exec, such as the container init).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from casing_fixtures import BUSYBOX, CASING, Bundle  # noqa: E402


def run_once(argv):
    """Run under `busybox time -f %M`: the peak RSS (KiB) of the runtime's
    process tree, measured from a small fork rather than from this Python
    process.  Returns (seconds, KiB, rc, stderr)."""
    t0 = time.perf_counter()
    r = subprocess.run([BUSYBOX, "time", "-f", "%M", *argv], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t0
    lines = r.stderr.strip().splitlines()
    kib = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    return elapsed, kib, r.returncode, r.stderr


def bench(runtime, bundle, runs):
    root = tempfile.mkdtemp(prefix="casing-bench-root-")
    times, rss = [], 0
    try:
        for i in range(runs):
            cid = "bench-%d-%d" % (os.getpid(), i)
            t, kib, rc, err = run_once([runtime, "--root", root, "run", "--bundle", bundle.path, cid])
            if rc != 0:
                raise SystemExit("%s run failed: %s" % (runtime, err))
            times.append(t)
            rss = max(rss, kib)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return times, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", "--runs", type=int, default=50)
    ap.add_argument("runtimes", nargs="*")
    a = ap.parse_args()
    runtimes = [CASING if r == "casing" else (shutil.which(r) or r) for r in a.runtimes] or \
        [CASING] + [shutil.which(r) for r in ("crun", "runc") if shutil.which(r)]
    work = tempfile.mkdtemp(prefix="casing-bench-")
    try:
        bundle = Bundle(os.path.join(work, "bundle"), args=["/bin/true"])
        bundle.config["process"]["terminal"] = False
        bundle.config["ociVersion"] = "1.0.2"  # crun 1.8 refuses newer versions
        bundle.save()
        print("%-22s %10s %10s %12s" % ("runtime", "median ms", "p90 ms", "max RSS KiB"))
        for rt in runtimes:
            try:
                times, rss = bench(rt, bundle, a.runs)
            except (SystemExit, OSError) as e:
                print("%-22s %s" % (os.path.basename(rt), e), flush=True)
                continue
            times.sort()
            print("%-22s %10.2f %10.2f %12d" % (os.path.basename(rt), statistics.median(times) * 1e3,
                                                times[int(len(times) * 0.9) - 1] * 1e3, rss),
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
