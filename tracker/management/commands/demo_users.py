from django.conf import settings
from django.core.management.base import BaseCommand

from tracker.demo.users import demo_users_create


class Command(BaseCommand):
    help = "Create the demo users editor, journalist and viewer if they do not exist."

    def handle(self, *args: object, **options: object) -> None:
        given = settings.DEMO_PASSWORD
        created, password = demo_users_create(password=given)
        if not created:
            self.stdout.write("Demo users already exist (editor, journalist, viewer).")
            return
        shown = "(from COUNTERCLAIM_DEMO_PASSWORD)" if given else password
        self.stdout.write(
            self.style.SUCCESS(
                f"Created demo users {', '.join(created)} with password: {shown}\n"
                "  This password is shown only now; set COUNTERCLAIM_DEMO_PASSWORD to choose one."
            )
        )
