import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Stack  # noqa: E402


@pytest.fixture(scope="module")
def stack():
    s = Stack().start()
    yield s
    s.stop()


@pytest.fixture
def user(stack):
    """A fresh logged-in user per call: user() -> Client."""
    def make(prefix="u"):
        return stack.login("%s%s" % (prefix, uuid.uuid4().hex[:10]))
    return make
