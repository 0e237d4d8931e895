"""The CRM pages: a manager's connections, one connection (mappings, last sync, what it
changed, the last error, the owners it could not match), the team's chats; the webhooks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from teams.access import get_object_for_user, managed_teams
from teams.forms import add_service_errors
from teams.once import once

from . import selectors, services
from .forms import ChatHookForm, ConnectionForm, MappingForm
from .models import Connection, State
from .tasks import sync_connection
from .webhooks import push_valid


def _team_or_404(request):
    team = managed_teams(request.user).order_by("pk").first()
    if team is None:
        raise Http404
    return team


def connections(request):
    _team_or_404(request)
    rows = selectors.connections_for(request.user).order_by("team__name", "name")
    return render(request, "crm/connections.html", {"connections": rows})


@once
def connection_create(request):
    team = _team_or_404(request)
    form = ConnectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            connection = services.connection_create(
                team=team,
                kind=data["kind"],
                name=data["name"],
                base_url=data["base_url"],
                credentials=form.credentials(data["kind"]),
                by=request.user,
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Connection saved. Now say what it feeds."))
            return redirect("crm:connection-detail", pk=connection.pk)
    return render(request, "crm/connection_form.html", {"form": form, "connection": None})


def connection_edit(request, pk: int):
    connection = get_object_for_user(selectors.connections_for(request.user), request.user, pk=pk)
    form = ConnectionForm(
        request.POST or None,
        kind=connection.kind,
        initial={"name": connection.name, "base_url": connection.base_url},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.connection_update(
                connection=connection,
                by=request.user,
                name=data["name"],
                base_url=data["base_url"],
                credentials=form.credentials(connection.kind),
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Connection saved."))
            return redirect("crm:connection-detail", pk=connection.pk)
    return render(request, "crm/connection_form.html", {"form": form, "connection": connection})


@once
def connection_detail(request, pk: int):
    connection = get_object_for_user(selectors.connections_for(request.user), request.user, pk=pk)
    form = MappingForm(request.POST or None, team=connection.team)
    if request.method == "POST" and form.is_valid():
        try:
            services.mapping_add(connection=connection, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Mapping added: the next sync reads the CRM again."))
            return redirect("crm:connection-detail", pk=connection.pk)
    context = {
        "connection": connection,
        "form": form,
        "mappings": connection.mappings.select_related("indicator__plan"),
        "runs": connection.runs.all()[:5],
        "webhook_url": request.build_absolute_uri(
            reverse("crm:webhook", args=[connection.webhook_key])
        ),
    }
    return render(request, "crm/connection_detail.html", context)


@require_POST
def connection_sync(request, pk: int):
    connection = get_object_for_user(selectors.connections_for(request.user), request.user, pk=pk)
    if connection.state == State.STOPPED:
        messages.error(request, _("Give new credentials first: the CRM refused the last ones."))
    else:
        transaction.on_commit(lambda: sync_connection.delay(connection.pk))
        messages.success(request, _("Sync started: this page shows its result in a moment."))
    return redirect("crm:connection-detail", pk=connection.pk)


@require_POST
def connection_delete(request, pk: int):
    connection = get_object_for_user(selectors.connections_for(request.user), request.user, pk=pk)
    services.connection_delete(connection=connection, by=request.user)
    messages.success(request, _("Connection removed, with the figures it brought."))
    return redirect("crm:connections")


@require_POST
def mapping_delete(request, pk: int):
    mapping = get_object_for_user(selectors.mappings_for(request.user), request.user, pk=pk)
    connection_pk = mapping.connection_id
    services.mapping_delete(mapping=mapping, by=request.user)
    messages.success(request, _("Mapping removed, with the figures it brought."))
    return redirect("crm:connection-detail", pk=connection_pk)


@once
def chat_hooks(request):
    team = _team_or_404(request)
    form = ChatHookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.chat_hook_add(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Chat connected."))
            return redirect("crm:chat")
    hooks = selectors.chat_hooks_for(request.user)
    return render(request, "crm/chat.html", {"form": form, "hooks": hooks, "team": team})


@require_POST
def chat_hook_delete(request, pk: int):
    hook = get_object_for_user(selectors.chat_hooks_for(request.user), request.user, pk=pk)
    services.chat_hook_delete(hook=hook, by=request.user)
    messages.success(request, _("Chat disconnected."))
    return redirect("crm:chat")


@csrf_exempt
@login_not_required
@require_POST
def webhook(request, key: str):
    """A CRM's push: 204 and a sync when signed by the connection's CRM; 401 otherwise."""
    connection = Connection.objects.filter(webhook_key=key).first()
    if connection is None:
        raise Http404
    if not push_valid(connection, request):
        return HttpResponse(status=401)
    if connection.state == State.ACTIVE:
        transaction.on_commit(lambda: sync_connection.delay(connection.pk))
    return HttpResponse(status=204)
