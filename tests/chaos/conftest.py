"""Real faults against real services (issue 14); the helpers live in tests/faults.py.

Every test in this directory is marked `chaos` and `slow` (tests/conftest.py), so
`make test-fast` skips them and `make test` runs them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from tests.faults import PrivateRedis, SmtpSink, free_port


@pytest.fixture
def smtp_sink() -> Iterator[tuple[SmtpSink, int]]:
    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()
