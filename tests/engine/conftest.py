"""Engine tests start servers on fresh ports: what was learnt about one server must not leak into the next test."""

from __future__ import annotations

import pytest

from emaudit.models import server_info


@pytest.fixture(autouse=True)
def _forget_servers():
    server_info.forget()
    yield
    server_info.forget()
