# SPDX-License-Identifier: GPL-2.0-or-later
"""The by-hand workflow: umoci unpacks the OCI image into a bundle, casing
runs it."""
import json
import os
import shutil
import subprocess

import pytest

from engines import run


def test_umoci_unpack_then_run(image, workdir, casing_bin):
    if shutil.which("umoci") is None:
        pytest.skip("umoci is not installed (tests/run.sh installs it)")
    bundle = os.path.join(workdir, "umoci-bundle")
    r = run(["umoci", "unpack", "--image", image.layout + ":latest", bundle])
    assert r.returncode == 0, r
    with open(os.path.join(bundle, "config.json")) as f:
        config = json.load(f)
    # umoci writes a config for a terminal and the image's Cmd: a script
    config["process"]["terminal"] = False
    config["process"]["args"] = ["sh", "-c", "echo $HOME; id -u; ls /home; "
                                 "grep -c ' /sys/fs/cgroup ' /proc/self/mounts; exit 5"]
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(config, f)
    state = os.path.join(workdir, "umoci-state")
    p = subprocess.run([casing_bin, "--root", state, "run", "--bundle", bundle, "umoci-run"],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 5, p
    # HOME from the image's config (umoci copies its Env), the image's
    # files, the cgroup mount umoci asks for
    assert p.stdout.split() == ["/root", "0", "tester", "1"], p
    assert p.stderr == "", p
    assert run([casing_bin, "--root", state, "list", "-q"]).stdout == ""
    shutil.rmtree(bundle)
