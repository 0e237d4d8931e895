"""Deploy checks (``manage.py check --deploy``): settings fine locally, wrong in production."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    """With DEBUG=0, emails must not link to the development address."""
    if settings.DEBUG or settings.SITE_URL_SET:
        return []
    return [
        Warning(
            f"SITE_URL is not set: the links in emails point to {settings.SITE_URL}.",
            hint="Set SITE_URL to the address people open, e.g. https://pac.example.com.",
            id="pacsite.W001",
        )
    ]
