from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from reminders import services, sweep
from reminders.tasks import RETRYABLE


class Command(BaseCommand):
    help = (
        "Run one reminder sweep now, sending the digests in this process "
        "(the same work as the Celery beat job)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be sent, without sending or recording anything.",
        )

    def handle(self, *args, dry_run: bool, **options):
        if dry_run:
            return self._dry_run()
        failed = []
        sent = 0

        def deliver(recipient_id: int) -> None:
            nonlocal sent
            try:
                sent += bool(services.digest_deliver(recipient_id=recipient_id).sent)
            except RETRYABLE as exc:
                # The rows stay pending: the next sweep (or run of this command) sends them.
                failed.append((recipient_id, exc))

        report = sweep.run_sweep(dispatch=deliver)
        self.stdout.write(
            f"{report.created} new reminders, {report.cancelled} cancelled, {sent} digests sent."
        )
        for recipient_id, exc in failed:
            self.stderr.write(f"Digest for user {recipient_id} not sent: {exc}")
        if failed:
            self.stderr.write(self.style.WARNING(f"{len(failed)} digests will be retried."))

    def _dry_run(self):
        lines = sweep.preview()
        names = dict(
            get_user_model()
            .objects.filter(pk__in={line["recipient_id"] for line in lines})
            .values_list("pk", "username")
        )
        for line in sorted(lines, key=lambda x: (names.get(x["recipient_id"], ""), x["stage"])):
            mark = "new" if line["new"] else "owed"
            self.stdout.write(
                f"{names.get(line['recipient_id'], line['recipient_id'])}\t{line['stage']}\t"
                f"{line['due_date']}\t{mark}\t{line['title']}"
            )
        self.stdout.write(
            f"Dry run: {len(lines)} reminders for {len(names)} people; nothing sent or recorded."
        )
