"""What registrations tells the rest of the project, without importing it.

``application_registered`` is sent once the registration of an application has committed (the number, the
enterprise on the map), with ``application_id``. The certificate (certificates) and the enterprise's public
page (storefronts) listen; each receiver's failure is logged and does not undo the registration, nor stop
the other receivers (send_robust). A receiver must be idempotent: a renewal sends it again.
"""

import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)

application_registered = Signal()


def send_registered(application_id: int) -> None:
    for receiver, outcome in application_registered.send_robust(sender=None, application_id=application_id):
        if isinstance(outcome, Exception):
            log.error(
                "after registering application %s, %s failed: %r",
                application_id,
                getattr(receiver, "__qualname__", receiver),
                outcome,
                exc_info=outcome,
            )
