# SPDX-License-Identifier: GPL-2.0-or-later
"""The attack suite: each test attacks from inside a real container and
checks on the host that nothing got out.  It reuses the integration
fixtures (tests/integration/casing_pytest.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from casing_pytest import *  # noqa: E402,F401,F403

import pytest  # noqa: E402

from attack_helpers import CasingCopy, cleanup_attackers  # noqa: E402


def pytest_unconfigure(config):
    cleanup_attackers()


@pytest.fixture
def casing_copy():
    """A private copy of the binary for attacks on the runtime executable."""
    c = CasingCopy()
    yield c
    c.remove()
