# SPDX-License-Identifier: GPL-2.0-or-later
"""The attack suite: each test attacks from inside a real container and
checks on the host that nothing got out.  It reuses the integration
fixtures (tests/integration/casing_pytest.py).

The whole suite runs in a mount namespace of its own whose mounts are all
shared (`host_namespace`), as on a systemd host: a mount that propagates
out of a container shows up there.  The "host" the tests check is that
namespace (/proc/self/mountinfo), not the machine's pid 1."""
import ctypes
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from casing_pytest import *  # noqa: E402,F401,F403

import pytest  # noqa: E402

from attack_helpers import CasingCopy, HostSecret, cleanup_attackers  # noqa: E402
from casing_fixtures import Casing  # noqa: E402


def pytest_unconfigure(config):
    cleanup_attackers()


CLONE_NEWNS = 0x00020000


def _ns_call(name, *args):
    libc = ctypes.CDLL(None, use_errno=True)
    if getattr(libc, name)(*args) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (name, os.strerror(e)))


@pytest.fixture(scope="session", autouse=True)
def host_namespace():
    """The "host" of every attack: a private copy of this machine's mount
    namespace where every mount is shared (systemd makes "/" rshared; this
    VM's mounts are private, which would hide a propagation leak).  Made
    rprivate first, so that nothing done here reaches the machine's own
    namespace, then rshared.  Every process the tests start (casing, the
    containers) starts from it.  The test process goes back to the
    machine's namespace when the session ends (tests of other directories
    collected after this suite in the same session run in the copy)."""
    cwd = os.getcwd()
    old = os.open("/proc/self/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
    _ns_call("unshare", CLONE_NEWNS)
    try:
        subprocess.run(["mount", "--make-rprivate", "/"], check=True)
        subprocess.run(["mount", "--make-rshared", "/"], check=True)
        yield
    finally:
        _ns_call("setns", old, CLONE_NEWNS)
        os.close(old)
        os.chdir(cwd)


@pytest.fixture
def casing_copy():
    """A private copy of the binary for attacks on the runtime executable."""
    c = CasingCopy()
    yield c
    c.remove()


@pytest.fixture
def copy_casing(casing_copy, tmpdir_path):
    """A casing driver running the private copy, with its own --root;
    deletes its containers after."""
    c = Casing(os.path.join(tmpdir_path, "state-copy"), binary=casing_copy.path)
    yield c
    c.cleanup()


@pytest.fixture
def host_secret():
    """A secret only the host has (attack_helpers.HostSecret)."""
    s = HostSecret()
    yield s
    s.remove()
