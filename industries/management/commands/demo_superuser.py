from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "admin"
PASSWORD = "bscic-demo"


class Command(BaseCommand):
    help = "Create the demo superuser if it does not exist and print its credentials (demo only)."

    def handle(self, *args, **options):
        User = get_user_model()
        if not User.objects.filter(username=USERNAME).exists():
            User.objects.create_superuser(USERNAME, "admin@example.invalid", PASSWORD)
        self.stdout.write(
            self.style.WARNING(f"Demo admin login: username '{USERNAME}', password '{PASSWORD}' (change it!)")
        )
