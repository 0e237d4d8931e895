"""API sign-in tokens: issued at sign-in, hashed, expiring, revoked with the password.

django-rest-knox stores only a hash of each token and its expiry (``API_TOKEN_DAYS``). On top
of it, a token carries a fingerprint of the password it was issued under; authentication
refuses one whose fingerprint no longer matches, so every road that changes a password
revokes the person's tokens without each road having to remember to.
"""

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from .models import ApiToken


def password_fingerprint(user) -> str:
    return salted_hmac("pacsite.api_tokens", user.password, algorithm="sha256").hexdigest()


def token_issue(user) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row (hash, expiry) and the token itself, shown once."""
    return ApiToken.objects.create(user=user, password_fingerprint=password_fingerprint(user))


def user_tokens_revoke(user) -> int:
    """Revoke every API token of ``user``; how many there were."""
    count, _by_model = ApiToken.objects.filter(user=user).delete()
    return count


class PasswordBoundTokenAuthentication(TokenAuthentication):
    """knox's authentication, refusing a token issued under a password since changed."""

    def authenticate_credentials(self, token: bytes):
        # knox decodes the header as UTF-8 and fails with a 500 on anything else: a token is
        # hexadecimal, so a header that is not ASCII is simply a wrong token.
        if not token.isascii():
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if not constant_time_compare(token.password_fingerprint, password_fingerprint(user)):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("This token was revoked when the password changed. Sign in again.")
            )
        return user, token
