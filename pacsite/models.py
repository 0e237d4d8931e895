"""The API's sign-in tokens and the mark of a demo database."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """An API sign-in token, stored as a hash (django-rest-knox), expiring, one per sign-in.

    ``password_fingerprint`` ties it to the password it was issued under, the way Django ties a
    session to it: however the password changes (the page, the admin, ``changepassword``, a
    reset), the token stops working (pacsite.api_tokens).
    """

    password_fingerprint = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")


class DemoMark(models.Model):
    """Present when ``seed_demo`` loaded the demo company into this database: the login page
    then says which demo logins to use (README, "Demo logins"). One row at most."""

    seeded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    default_password = models.BooleanField(
        _("default password"),
        default=True,
        help_text=_("The demo users have the README's password (DEMO_PASSWORD was not set)."),
    )

    class Meta:
        verbose_name = _("demo database mark")
        verbose_name_plural = _("demo database marks")

    def __str__(self) -> str:
        return f"demo {self.seeded_at:%Y-%m-%d %H:%M}"
