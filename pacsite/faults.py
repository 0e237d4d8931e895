"""The database going away mid-request: a clean "try again" page, never a half-done write.

Writes run in ``transaction.atomic`` (services), so a lost connection rolls back whatever the
request had started. This middleware turns the database error into a 503 with Retry-After
instead of a bare 500 trace, rendered without touching the database (no session, no menu).
"""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# OperationalError: the server is down, restarting or unreachable. InterfaceError: the
# connection broke under us. Other DatabaseErrors are bugs and stay 500s.
UNAVAILABLE = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNAVAILABLE):
            return None
        message = _("The database is not answering. Nothing was saved; try again in a minute.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            page = {"title": _("Service unavailable"), "message": message, "icon": "cloud-slash"}
            response = HttpResponse(render_to_string("errors/bare.html", page), status=503)
        response["Retry-After"] = "60"
        return response
