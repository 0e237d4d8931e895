"""Development email: one line on the console per message sent, the whole message in a file.

Without ``EMAIL_HOST`` the app prints its mail; a digest printed in full (headers, both
parts, base64 attachments) buried ``make run``'s console. Each message is written under
``PAC_VAR_DIR/mail/`` as a ``.eml`` file (opens in any mail client) and named in the line.
"""

import sys
import threading
from datetime import datetime

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

_lock = threading.Lock()


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = settings.VAR_DIR / "mail"
        sent = 0
        with _lock:
            folder.mkdir(parents=True, exist_ok=True)
            for message in email_messages:
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
                path = folder / f"{stamp}-{sent}.eml"
                path.write_bytes(message.message().as_bytes(linesep="\n"))
                recipients = ", ".join(message.recipients())
                line = f"email to {recipients}: {message.subject} ({path})\n"
                sys.stdout.write(line)
                sys.stdout.flush()
                sent += 1
        return sent
