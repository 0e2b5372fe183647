#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Benchmark: time and peak memory of `RUNTIME run` of /bin/true on a busybox
bundle, for casing and (when installed) runc and crun, on the same bundle.

    tests/bench/bench.py [-n RUNS] [RUNTIME...]

A benchmark, not a test: it never fails on a time.  Prints, per runtime, the
median and 90th percentile wall time of a whole `run` (create + start + wait +
delete) and the peak RSS of the runtime process (ru_maxrss of the children).
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from casing_fixtures import CASING, Bundle  # noqa: E402


def bench(runtime, bundle, runs):
    root = tempfile.mkdtemp(prefix="casing-bench-root-")
    times = []
    try:
        for i in range(runs):
            cid = "bench-%d-%d" % (os.getpid(), i)
            t0 = time.perf_counter()
            r = subprocess.run([runtime, "--root", root, "run", "--bundle", bundle.path, cid],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
            times.append(time.perf_counter() - t0)
            if r.returncode != 0:
                raise SystemExit("%s run failed: %s" % (runtime, r.stderr.decode()))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", "--runs", type=int, default=50)
    ap.add_argument("runtimes", nargs="*")
    a = ap.parse_args()
    runtimes = a.runtimes or [CASING] + [r for r in ("crun", "runc") if shutil.which(r)]
    work = tempfile.mkdtemp(prefix="casing-bench-")
    try:
        bundle = Bundle(os.path.join(work, "bundle"), args=["/bin/true"])
        bundle.config["process"]["terminal"] = False
        bundle.config["ociVersion"] = "1.0.2"  # crun 1.8 refuses newer versions
        bundle.save()
        print("%-22s %10s %10s %12s" % ("runtime", "median ms", "p90 ms", "max RSS KiB"))
        for rt in runtimes:
            # ru_maxrss of children is a high-water mark: measure each runtime
            # in its own child so the numbers don't mix.
            pid = os.fork()
            if pid == 0:
                try:
                    times = bench(rt, bundle, a.runs)
                except SystemExit as e:
                    print("%-22s %s" % (os.path.basename(rt), e), flush=True)
                    os._exit(1)
                rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                times.sort()
                print("%-22s %10.2f %10.2f %12d" % (os.path.basename(rt), statistics.median(times) * 1e3,
                                                    times[int(len(times) * 0.9) - 1] * 1e3, rss),
                      flush=True)
                os._exit(0)
            os.waitpid(pid, 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
