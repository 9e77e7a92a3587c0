"""Ask the gateway about every online payment still without a word, and settle each (as the task does)."""

from django.core.management.base import BaseCommand

from payments.services import attempts_reconcile
from payments.tasks import reconcile_schedule


class Command(BaseCommand):
    help = "Settle online payments whose notification did not arrive, by asking the gateway."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Only make sure the periodic reconciliation task is queued for the worker.",
        )
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="MINUTES",
            help="Ask about attempts begun at least this many minutes ago (default "
            "GEODB_PAYMENT_RECONCILE_AFTER_MINUTES; 0: every attempt still without a word, at once).",
        )

    def handle(self, *args, schedule, older_than, **options):
        if schedule:
            queued = reconcile_schedule()
            self.stdout.write("Reconciliation queued." if queued else "Reconciliation was already queued.")
            return
        outcomes = attempts_reconcile(older_than_minutes=older_than)
        summary = ", ".join(f"{name}: {count}" for name, count in sorted(outcomes.items())) or "nothing to do"
        self.stdout.write(f"Reconciled: {summary}")
        if outcomes.get("gateway_error"):
            self.stderr.write("The gateway could not be asked about some payments: run again later.")
