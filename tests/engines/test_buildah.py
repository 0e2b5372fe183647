# SPDX-License-Identifier: GPL-2.0-or-later
"""Buildah from Debian building an image with casing as the runtime of its
RUN steps (`buildah bud --runtime`), in Podman's private storage."""
import os

import pytest

pytestmark = pytest.mark.podman

CONTAINERFILE = """\
FROM {image}
RUN echo built > /built.txt && id -u > /uid.txt && echo "$HOME" > /home.txt
USER 1000
RUN id -u > /tmp/uid-1000.txt && echo "$HOME" > /tmp/home-1000.txt
USER 0
RUN ["sh", "-c", "cat /built.txt /tmp/uid-1000.txt > /both.txt"]
"""


def test_bud_with_run_steps(podman, image, workdir):
    ctx = os.path.join(workdir, "build")
    os.makedirs(ctx, exist_ok=True)
    with open(os.path.join(ctx, "Containerfile"), "w") as f:
        f.write(CONTAINERFILE.format(image=image.name))
    tag = "localhost/casing-built:1"
    r = podman.buildah("bud", "--runtime", podman.runtime, "--isolation", "oci", "--network", "none",
                       "-f", os.path.join(ctx, "Containerfile"), "-t", tag, ctx)
    assert r.returncode == 0, r
    # no warning of ours in the build's output (ambient capabilities...)
    assert "casing:" not in r.stdout + r.stderr, r
    out = podman.ok("run", "--rm", "--network", "none", tag, "sh", "-c",
                    "cat /built.txt /uid.txt /home.txt /tmp/home-1000.txt /both.txt").stdout
    assert out.split() == ["built", "0", "/root", "/home/tester", "built", "1000"], out
    podman.ok("rmi", tag)


def test_bud_failing_run_step(podman, image, workdir):
    ctx = os.path.join(workdir, "build-fail")
    os.makedirs(ctx, exist_ok=True)
    with open(os.path.join(ctx, "Containerfile"), "w") as f:
        f.write("FROM %s\nRUN echo failing; exit 3\n" % image.name)
    r = podman.buildah("bud", "--runtime", podman.runtime, "--isolation", "oci", "--network", "none",
                       "-f", os.path.join(ctx, "Containerfile"), "-t", "localhost/casing-fail:1", ctx)
    assert r.returncode != 0 and "exit status 3" in r.stderr, r
