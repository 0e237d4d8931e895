import os

from django.core.management.base import BaseCommand
from django.db import transaction

from coaching import demo as coaching_demo
from crm import demo as crm_demo
from indicators import demo as indicators_demo
from pacsite.models import DemoMark
from plans import demo as plans_demo
from plans.demo import DemoContext
from reminders import demo as reminders_demo
from teams import team_cache

# Each app adds its demo data with a step of its own, run in this order. Every step is
# idempotent (get_or_create / update_or_create on natural keys), so running the command
# twice changes nothing.
DEFAULT_PASSWORD = "pac-demo"  # README, "Demo logins"

STEPS = [
    plans_demo.seed,
    indicators_demo.seed,
    coaching_demo.seed,
    reminders_demo.seed,
    crm_demo.seed,
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo company: two teams, their plans, indicators and coaching."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD),
            help="Password of every demo user (default: $DEMO_PASSWORD or pac-demo).",
        )

    @transaction.atomic
    def handle(self, *args, password, **options):
        ctx = DemoContext(password=password)
        for step in STEPS:
            step(ctx)
        team_cache.changed_everywhere()  # the steps write round the services
        # The login page reads it to point to the demo logins (pacsite/language.py).
        DemoMark.objects.update_or_create(
            pk=1, defaults={"default_password": password == DEFAULT_PASSWORD}
        )
        names = ", ".join(sorted(ctx.users))
        self.stdout.write(self.style.SUCCESS(f"Demo company ready. Logins: {names}"))
