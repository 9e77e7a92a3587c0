"""The certificate of a registration is made in the task worker (django-tasks): the officer's click that
registers does not wait for a PDF, and a failure (a font, WeasyPrint) leaves the registration done and the
task to be run again (`manage.py certificates_issue` issues whatever is missing)."""

from django_tasks import task

from .services import certificate_issue_missing


@task()
def issue_certificate(application_id: int) -> list[int]:
    return [c.pk for c in certificate_issue_missing(application_id=application_id)]


def on_registered(sender, application_id: int, **kwargs) -> None:
    """registrations.signals.application_registered: queue the certificate of the new registration."""
    issue_certificate.enqueue(application_id)
