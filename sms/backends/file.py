"""The demo's and the tests' SMS: one JSON line per message in ``settings.SMS_FILE_PATH``.

Each line is ``{"to", "text", "at"}``. The demo reads its codes there (``tail -n 1 var/sms/outbox.jsonl``);
the tests read it with ``read_outbox``. Nothing leaves the machine, so in production this backend delivers
nothing: it says so loudly on every message.
"""

import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import SmsBackend, masked, sms_parts

logger = logging.getLogger(__name__)


def outbox_path() -> Path:
    return Path(settings.SMS_FILE_PATH)


class FileBackend(SmsBackend):
    def send(self, *, to: str, text: str) -> None:
        path = outbox_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": to, "text": text, "at": timezone.now().isoformat()}, ensure_ascii=False)
        # One write of one line to a file opened for appending: processes writing at once do not interleave
        # (O_APPEND). 0600: the file holds one-time codes.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as outbox:
            outbox.write(line + "\n")
        if getattr(settings, "PRODUCTION", False):
            logger.error(
                "SMS to %s written to a file, NOT SENT: set GEODB_SMS_BACKEND in production", masked(to)
            )
        else:
            logger.info("SMS to %s (%d part(s)) written to %s", masked(to), sms_parts(text), path)


def read_outbox(path: Path | None = None) -> list[dict]:
    """Every message written so far, oldest first."""
    path = path or outbox_path()
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as outbox:
        return [json.loads(line) for line in outbox if line.strip()]
