"""An e-mail backend another process can be observed through: each message becomes a file
in $TEST_MAIL_DIR. While $TEST_MAIL_DIR/SLOW exists, sending first writes SENDING and then
waits (a slow SMTP server) — the window in which the tests SIGKILL a worker."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class FileBackend(BaseEmailBackend):
    def send_messages(self, messages):
        directory = Path(os.environ["TEST_MAIL_DIR"])
        for message in messages:
            if (directory / "SLOW").exists():
                (directory / "SENDING").write_text(str(os.getpid()))
                deadline = time.monotonic() + 120
                while (directory / "SLOW").exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
            name = directory / f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
            name.write_bytes(message.message().as_bytes())
        return len(messages)
