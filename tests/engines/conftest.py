# SPDX-License-Identifier: GPL-2.0-or-later
"""The engine tests: Podman, containerd, Buildah and umoci from the
distribution, on casing, in private state directories and on a local
busybox image made from a tarball (no registry, no network).  tests/run.sh
installs the engines and runs this directory; everything the tests make is
removed at the end of the session."""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from casing_fixtures import CASING  # noqa: E402

import engines  # noqa: E402
import oci_image  # noqa: E402

# cgroups the engines make above the containers' (Podman's cgroupfs parent
# and conmon's; ctr's per-namespace parent) and leave behind.
CGROUP_PARENTS = ["libpod_parent", engines.Containerd.NAMESPACE]


def pytest_configure(config):
    config.addinivalue_line("markers", "podman: runs Podman")
    config.addinivalue_line("markers", "containerd: runs containerd and ctr")


def need(*programs):
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        pytest.skip("not installed: %s (tests/run.sh installs them)" % " ".join(missing))


def cgroup_parent_dirs():
    """Where those parents appear: in each v1 hierarchy and cgroup2."""
    out = [os.path.join("/sys/fs/cgroup", name) for name in CGROUP_PARENTS]
    for h in sorted(os.listdir("/sys/fs/cgroup")):
        if os.path.isdir(os.path.join("/sys/fs/cgroup", h)):
            out.extend(os.path.join("/sys/fs/cgroup", h, name) for name in CGROUP_PARENTS)
    return out


def remove_cgroup_tree(path):
    for dirpath, dirnames, _ in sorted(os.walk(path), key=lambda t: -len(t[0])):
        try:
            os.rmdir(dirpath)
        except OSError:
            pass


@pytest.fixture(scope="session", autouse=True)
def host_state():
    """What the engines put on the host outside their private directories
    is removed at the end: paths they make anyway, the cgroup parents."""
    paths = engines.HostPaths()
    parents = {p: os.path.isdir(p) for p in cgroup_parent_dirs()}
    yield
    for p, existed in parents.items():
        if not existed and os.path.isdir(p):
            remove_cgroup_tree(p)
    paths.remove()


@pytest.fixture(scope="session")
def casing_bin():
    if not os.access(CASING, os.X_OK):
        pytest.exit("casing binary not built: %s" % CASING, returncode=2)
    return CASING


@pytest.fixture(scope="session")
def workdir():
    d = tempfile.mkdtemp(prefix="casing-engines-")
    os.chmod(d, 0o755)
    yield d
    engines.unmount_below(d)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def sd_notify(workdir):
    """tests/integration/programs/sd_notify.c, static, for the image."""
    out = os.path.join(workdir, "sd_notify")
    src = os.path.join(HERE, "..", "integration", "programs", "sd_notify.c")
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-o", out, src], check=True)
    return out


@pytest.fixture(scope="session")
def image(workdir, sd_notify):
    """The busybox image: .rootfs (tree), .layout (OCI layout dir),
    .archive (oci-archive tar), .name."""
    d = os.path.join(workdir, "image")
    os.makedirs(d)
    rootfs, layout, archive = oci_image.make_image(d, extra={"/usr/bin/sd_notify": sd_notify})

    class Image:
        pass
    img = Image()
    img.rootfs, img.layout, img.archive, img.name = rootfs, layout, archive, oci_image.IMAGE_NAME
    return img


@pytest.fixture(scope="session")
def podman(workdir, casing_bin, image):
    need("podman", "conmon", "buildah")
    top = os.path.join(workdir, "podman")
    os.makedirs(top)
    p = engines.Podman(top, casing_bin)
    p.ok("load", "--input", image.archive)
    yield p
    p.cleanup()


@pytest.fixture(scope="session")
def containerd(workdir, casing_bin, image):
    need("containerd", "ctr", "containerd-shim-runc-v2")
    top = os.path.join(workdir, "containerd")
    os.makedirs(top)
    c = engines.Containerd(top, casing_bin)
    try:
        c.ok("image", "import", "--all-platforms", image.archive)
        yield c
    finally:
        c.stop()


@pytest.fixture
def subids():
    """A range for Podman's --userns=auto: "containers" in /etc/subuid and
    /etc/subgid, put back as it was afterwards."""
    saved = {}
    for f in ("/etc/subuid", "/etc/subgid"):
        saved[f] = open(f).read() if os.path.exists(f) else None
        with open(f, "a") as out:
            out.write("containers:400000:65536\n")
    yield 400000
    for f, text in saved.items():
        if text is None:
            os.unlink(f)
        else:
            with open(f, "w") as out:
                out.write(text)
