"""Reads of the CRM app, scoped to who asks: a team's manager (or an administrator) only."""

from django.db.models import QuerySet

from teams.access import managed_teams

from .models import ChatHook, Connection, Mapping


def connections_for(user) -> QuerySet[Connection]:
    """The connections ``user`` runs; any other is a 404 (reps and HR see none)."""
    return Connection.objects.filter(team__in=managed_teams(user)).select_related("team")


def mappings_for(user) -> QuerySet[Mapping]:
    return Mapping.objects.filter(connection__team__in=managed_teams(user))


def chat_hooks_for(user) -> QuerySet[ChatHook]:
    return ChatHook.objects.filter(team__in=managed_teams(user)).select_related("team")
