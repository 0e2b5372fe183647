# SPDX-License-Identifier: GPL-2.0-or-later
"""The pytest fixtures shared by tests/integration and tests/security: each
directory's conftest.py imports them, so both suites drive the same binary
the same way."""
import os
import shutil
import tempfile

import pytest

from casing_fixtures import CASING, Bundle, Casing, cleanup_rootfs_cache


def pytest_configure(config):
    config.addinivalue_line("markers", "cgroup2: needs a pure cgroup v2 host (runs in the VM)")
    config.addinivalue_line("markers", "vm: runs only inside the test VM")
    config.addinivalue_line("markers", "apparmor: needs AppArmor enabled (runs in the VM)")
    config.addinivalue_line("markers", "selinux: needs SELinux enabled; runs in the SELinux VM")
    config.addinivalue_line("markers", "systemd: needs systemd as PID 1; runs in the VM booted with systemd")
    config.addinivalue_line("markers", "cgroup1_vm: needs v1 controllers the build host lacks (net_cls, net_prio, rdma); runs in the hybrid VM")
    config.addinivalue_line("markers", "criu: needs a working criu (`criu check`); runs in the VM's 6.1 kernel, where criu 3.17 works")
    config.addinivalue_line("markers", "oldkernel: takes another path before Linux 6.14/6.15 (exec by name, /proc of a joined pid namespace); runs here and in the VM's 6.1 kernel")


def pytest_sessionfinish(session, exitstatus):
    cleanup_rootfs_cache()


@pytest.fixture(scope="session", autouse=True)
def _need_binary():
    if not os.access(CASING, os.X_OK):
        pytest.exit("casing binary not built: %s" % CASING, returncode=2)


@pytest.fixture
def tmpdir_path():
    d = tempfile.mkdtemp(prefix="casing-test-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def casing(tmpdir_path):
    """A casing driver with a private --root; deletes its containers after."""
    c = Casing(os.path.join(tmpdir_path, "state"))
    yield c
    c.cleanup()


@pytest.fixture
def bundle(tmpdir_path):
    """A busybox bundle; edit bundle.config then bundle.save()."""
    return Bundle(os.path.join(tmpdir_path, "bundle"))
