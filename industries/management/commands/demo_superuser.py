from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "bscic-demo"


class Command(BaseCommand):
    help = "Create the demo superuser if it does not exist and print its credentials (demo only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:  # a published password must never open a production site's admin
            raise CommandError(
                "demo_superuser is for the demo only and refuses to run with production settings: create "
                "the admin with `manage.py createsuperuser`. ডেমো অ্যাডমিন শুধু ডেমোর জন্য; প্রোডাকশনে "
                "`manage.py createsuperuser` দিয়ে অ্যাডমিন তৈরি করুন।"
            )
        User = get_user_model()
        if not User.objects.filter(username=USERNAME).exists():
            User.objects.create_superuser(USERNAME, "admin@example.invalid", PASSWORD)
        self.stdout.write(
            self.style.WARNING(f"Demo admin login: username '{USERNAME}', password '{PASSWORD}' (change it!)")
        )
