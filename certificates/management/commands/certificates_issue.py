"""Issue the certificate of every registered application that has none (the worker's task does it after
each registration; this catches up after the worker was down), or re-issue one as its next version."""

from django.core.management.base import BaseCommand, CommandError

from ...services import NotRegistered, certificate_issue, certificate_issue_missing, verification_url


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--application", type=int, help="Only this application (its id)")
        parser.add_argument(
            "--reissue", action="store_true", help="Issue the next version even if it has a certificate"
        )

    def handle(self, *args, application=None, reissue=False, **options):
        if reissue:
            if application is None:
                raise CommandError("--reissue needs --application")
            try:
                issued = [certificate_issue(application_id=application)]
            except NotRegistered:
                raise CommandError(f"application {application} is not registered") from None
        else:
            issued = certificate_issue_missing(application_id=application)
        for certificate in issued:
            self.stdout.write(f"{certificate} {verification_url(certificate)}")
        self.stdout.write(f"{len(issued)} certificate(s) issued")
