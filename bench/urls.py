"""The project's URLs plus the bench's own views, which the pages are compared with or built on.

- ``/bench/ping/``: the trivial view. It goes through the same middleware (sessions,
  authentication, CSP, axes...) and loads the logged-in user like every page, then answers a
  few bytes: what is left of a page's time once its own queries and template are removed.
- ``/bench/layout/``: an empty page in the base layout (navigation, bell, user menu,
  language switcher): what every page pays before its own content.
- ``/bench/dashboard-cold/<measurement_pk>/``: records a new value of that figure (through
  the service, as the manager would), then answers its team's dashboard: the dashboard right
  after a figure is recorded, every time, the recording included.
"""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from indicators.models import Measurement
from indicators.services import measurement_update
from indicators.views import dashboard_view
from pacsite.urls import urlpatterns as project_urlpatterns

LAYOUT = engines["django"].from_string('{% extends "base.html" %}')


@login_required
def ping(request):
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


@login_required
def layout(request):
    return HttpResponse(LAYOUT.render({}, request))


@login_required
def dashboard_cold(request, measurement_pk: int):
    figure = Measurement.objects.select_related("indicator__plan", "rep").get(pk=measurement_pk)
    figure.entered_by = figure.entered_by or request.user  # generated rows name nobody
    # A new value each time, so every request finds the team's figures changed.
    measurement_update(measurement=figure, by=request.user, value=figure.value % 97 + Decimal(1))
    return dashboard_view(request, team_id=figure.indicator.plan.team_id)


urlpatterns = [
    path("bench/ping/", ping, name="bench-ping"),
    path("bench/layout/", layout, name="bench-layout"),
    path("bench/dashboard-cold/<int:measurement_pk>/", dashboard_cold, name="bench-dashboard-cold"),
    *project_urlpatterns,
]
