# SPDX-License-Identifier: GPL-2.0-or-later
"""The attack suite: each test attacks from inside a real container and
checks on the host that nothing got out.  It reuses the integration
fixtures (tests/integration/casing_pytest.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from casing_pytest import *  # noqa: E402,F401,F403

import pytest  # noqa: E402

from attack_helpers import CasingCopy, HostSecret, cleanup_attackers  # noqa: E402
from casing_fixtures import Casing  # noqa: E402


def pytest_unconfigure(config):
    cleanup_attackers()


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
