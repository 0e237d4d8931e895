"""Where a form's ``next`` may send the user back to."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """The POSTed (or queried) ``next`` when it is a path on this site, else ``fallback``.

    Only a path starting with one "/" is followed: ``url_has_allowed_host_and_scheme`` also
    accepts a bare word such as "up", which ``redirect()`` would then try to reverse as a view
    name (a 500), and "//host" or "/\\host" would leave the site.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback
