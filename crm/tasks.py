"""Celery tasks of the CRM connectors and the team chats: thin, by id, through the services."""

from celery import shared_task
from django.utils import timezone

from . import chat
from .models import Connection, State
from .sync import sync_connection as run_sync


@shared_task(ignore_result=True)
def sync_connection(connection_id: int, full: bool = False) -> None:
    """One sync of an active connection (a stopped or paused one is left alone)."""
    connection = Connection.objects.filter(pk=connection_id, state=State.ACTIVE).first()
    if connection is not None:
        run_sync(connection=connection, full=full)


@shared_task(ignore_result=True)
def sync_all() -> None:
    """The beat job: one task per active connection, so one slow CRM delays no other."""
    for pk in Connection.objects.filter(state=State.ACTIVE).values_list("pk", flat=True):
        sync_connection.delay(pk)


@shared_task(bind=True, ignore_result=True, max_retries=8)
def chat_send(self, post_id: int) -> None:
    """Post one chat message; on a failure, again later (30 s, 60 s, 120 s… at most 1 h)."""
    if chat.post_deliver(post_id=post_id) is False:
        raise self.retry(countdown=min(3600, 30 * 2**self.request.retries))


@shared_task(ignore_result=True)
def chat_retry() -> None:
    """The beat job: posts that used every retry (or were never queued) are tried again."""
    for pk in chat.posts_owed():
        chat_send.delay(pk)


@shared_task(ignore_result=True)
def chat_events() -> None:
    """The beat job: escalations and slipped milestones, posted to their team's chats."""
    chat.events_post()


@shared_task(ignore_result=True)
def chat_weekly() -> None:
    """The beat job (daily; each team's round-up goes out once per week, on Mondays)."""
    if timezone.localdate().weekday() == 0:
        chat.weekly_posts()
