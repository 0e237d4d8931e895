"""``python manage.py crm_sync [--connection ID] [--full]``: the beat job's work, here."""

from django.core.management.base import BaseCommand, CommandError

from crm.models import Connection, State
from crm.sync import sync_connection


class Command(BaseCommand):
    help = "Pull what changed in the CRMs into the indicators (every active connection)."

    def add_arguments(self, parser):
        parser.add_argument("--connection", type=int, help="only this connection (its id)")
        parser.add_argument("--full", action="store_true", help="read everything again")

    def handle(self, *args, connection=None, full=False, **options):
        rows = Connection.objects.all()
        if connection is not None:
            rows = rows.filter(pk=connection)
            if not rows.exists():
                raise CommandError(f"No CRM connection {connection}.")
        else:
            rows = rows.filter(state=State.ACTIVE)
        failed = False
        for conn in rows.order_by("pk"):
            run = sync_connection(connection=conn, full=full)
            if run is None:
                self.stdout.write(f"{conn}: a sync is already under way")
                continue
            line = f"{conn}: {run.records} records, +{run.created} ~{run.updated} -{run.removed}"
            if run.error:
                failed = True
                line += f" — {run.error}"
            self.stdout.write(line)
        if failed:
            raise CommandError("Some connections failed (see above).")
