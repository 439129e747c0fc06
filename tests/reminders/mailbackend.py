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


class FlakyBackend(BaseEmailBackend):
    """Fails the first `failures` sends like a dropped SMTP connection, then behaves like
    Django's locmem backend (messages in django.core.mail.outbox)."""

    failures = 0

    def send_messages(self, messages):
        import smtplib

        from django.core import mail

        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("forbindelsen til mailserveren blev afbrudt")
        mail.outbox.extend(messages)
        return len(messages)
