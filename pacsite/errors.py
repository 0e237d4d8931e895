"""The error pages (403, 404, 500) in the app's layout, with a way back.

Each is drawn with the request, so the layout and its navigation come with it. A 500 may
come from the database itself, which the layout reads (navigation, bell): its page is tried
in the layout, then without it.
In development (``DEBUG=1``) Django would show its technical 404 page instead of ours; the
middleware below serves the real one unless ``DEBUG_PAGES=1`` asks for Django's.
"""

import logging

from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

logger = logging.getLogger(__name__)

SERVER_ERROR = gettext_noop(
    "The page could not be shown. The error has been recorded: try again in a moment, and "
    "tell your administrator if it happens again."
)


def way_back(request) -> str:
    """The page the visitor came from, when it is one of ours; else empty (home is offered)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def page_not_found(request, exception=None):
    return render(request, "404.html", {"back": way_back(request)}, status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", {"back": way_back(request)}, status=403)


def server_error(request):
    try:
        page = {"back": way_back(request), "message": _(SERVER_ERROR)}
        return render(request, "500.html", page, status=500)
    except Exception:  # the layout's own reads failed too (database down): the bare page
        logger.exception("The 500 page could not be drawn in the layout")
        page = {"title": _("Something went wrong"), "message": _(SERVER_ERROR)}
        return HttpResponseServerError(render_to_string("errors/bare.html", page))


class RealNotFoundMiddleware:
    """With ``DEBUG=1``, a page that does not exist is the app's 404, as in production."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No view matched the address: Django drew its technical page (DEBUG only).
        if (
            response.status_code == 404
            and self._active()
            and getattr(request, "resolver_match", None) is None
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._active():
            return page_not_found(request, exception)
        return None

    @staticmethod
    def _active() -> bool:
        return settings.DEBUG and not settings.DEBUG_PAGES


class NoTracebackFor4xx(logging.Filter):
    """An ordinary refusal (403, 404) is one line in the log, not a traceback: Django logs
    the exception with it; only a server error's traceback is worth reading."""

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
