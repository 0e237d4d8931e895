"""The project's URLs plus ``/bench/ping/``: the trivial view the pages are compared with.

It goes through the same middleware (sessions, authentication, CSP, axes...) and loads the
logged-in user like every page, then answers a few bytes: what is left of a page's time once
its own queries and template are removed.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from pacsite.urls import urlpatterns as project_urlpatterns


@login_required
def ping(request):
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping, name="bench-ping"), *project_urlpatterns]
