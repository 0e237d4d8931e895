"""A repeated post saves once: the pages' one-time form tokens and the API's Idempotency-Key.

Pages: each creating form carries ``{% once_token %}`` (a fresh random token per form drawn);
its view is wrapped in ``@once``. The first post claims the token in the same transaction as
its write and keeps the redirect it got; a second post of the token (double click,
back + resubmit) writes nothing and is sent to that same place with "Already saved". A post
that fails (the form drawn again with its errors, or ``once_failed()`` called) rolls the claim
back, so the user fixes the form and posts the same token again. A post without a token is
served as before: old clients and scripts keep working, they just are not deduplicated.

API: a creating POST with an ``Idempotency-Key`` header claims (user, key, method, path) with
a hash of its body; a retry gets the first answer again (status and JSON body), the same key
with another body a 422. No header: the call is served as before.

Both claim with a unique constraint, so two simultaneous posts of one token or key wait for
each other in the database and only one writes.
"""

import hashlib
import json
import re
import secrets
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .deletion import delete_in_batches
from .models import FormClaim, IdempotencyKey

TOKEN_FIELD = "once_token"
# secrets.token_hex(16): anything else is not one of ours and is served without a claim.
TOKEN_SHAPE = re.compile(r"[0-9a-f]{32}")
KEY_HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255
# How long a token or key is remembered; the daily purge (pacsite.tasks) forgets older ones.
KEPT_FOR = timedelta(days=1)
PURGE_BATCH = 5000


def new_token() -> str:
    return secrets.token_hex(16)


# Pages ------------------------------------------------------------------------------------


def once_failed(request) -> None:
    """Tell ``@once`` that this post saved nothing although it redirects (its error is a
    message on the next page): the token stays usable."""
    request.once_failed = True


def _claim(model, **fields):
    """Insert the claim, or return the one already there (``created`` False). Inside the
    caller's transaction: a concurrent claim of the same row waits for it to end."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields), True
    except IntegrityError:
        unique = {k: v for k, v in fields.items() if k != "body_hash"}
        return model.objects.get(**unique), False


def once(view):
    """Wrap a page view whose successful post redirects: a token posts once."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = request.POST.get(TOKEN_FIELD, "") if request.method == "POST" else ""
        if not TOKEN_SHAPE.fullmatch(token) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            claim, created = _claim(FormClaim, user=request.user, token=token)
            if not created:
                messages.info(request, _("Already saved."))
                return redirect(claim.redirect_url)
            response = view(request, *args, **kwargs)
            if response.status_code not in (301, 302, 303) or getattr(
                request, "once_failed", False
            ):
                # Nothing was saved (the form is drawn again): free the token.
                transaction.set_rollback(True)
                return response
            claim.redirect_url = response["Location"]
            claim.save(update_fields=["redirect_url"])
        return response

    return wrapper


# API --------------------------------------------------------------------------------------

KEY_PARAMETER = OpenApiParameter(
    KEY_HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID) chosen by the client: a retry with the same key gets the "
        "first answer again and creates nothing; the same key with another body is a 422."
    ),
)


def _body_hash(data) -> str:
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _error(message: str, code: int) -> Response:
    return Response({"detail": message}, status=code)


def replay_or_run(request, run) -> Response:
    """Serve a creating POST once per ``Idempotency-Key``; ``run()`` does the work."""
    key = request.headers.get(KEY_HEADER, "")
    if not key:
        return run()
    if len(key) > KEY_MAX_LENGTH:
        return _error(
            _("The Idempotency-Key header is at most %(n)d characters.") % {"n": KEY_MAX_LENGTH},
            status.HTTP_400_BAD_REQUEST,
        )
    body_hash = _body_hash(request.data)
    with transaction.atomic():
        claim, created = _claim(
            IdempotencyKey,
            user=request.user,
            key=key,
            method=request.method,
            path=request.path,
            body_hash=body_hash,
        )
        if not created:
            if claim.body_hash != body_hash:
                return _error(
                    _("This Idempotency-Key was already used with another body."),
                    status.HTTP_422_UNPROCESSABLE_ENTITY,
                )
            response = Response(claim.body, status=claim.status)
            response["Idempotent-Replayed"] = "true"
            return response
        # An error raised here rolls the claim back with the write: the key stays usable.
        response = run()
        if not 200 <= response.status_code < 300:
            transaction.set_rollback(True)
            return response
        claim.status = response.status_code
        # Stored as the client read it (decimals, dates as rendered), so a replay is identical.
        claim.body = json.loads(JSONRenderer().render(response.data) or b"null")
        claim.save(update_fields=["status", "body"])
    return response


def idempotent(method):
    """Decorate a viewset's extra POST action that creates rows.

    Goes above ``@api_action``: DRF's decorator replaces the function's ``kwargs``, where the
    header's schema parameter is kept, so placed below it the header would leave the schema.
    """

    @extend_schema(parameters=[KEY_PARAMETER])
    @wraps(method)
    def wrapper(self, request, *args, **kwargs):
        return replay_or_run(request, lambda: method(self, request, *args, **kwargs))

    return wrapper


class IdempotentCreateMixin:
    """A viewset whose ``create`` honours ``Idempotency-Key``."""

    @extend_schema(parameters=[KEY_PARAMETER])
    def create(self, request, *args, **kwargs):
        return replay_or_run(
            request, lambda: super(IdempotentCreateMixin, self).create(request, *args, **kwargs)
        )


# Purge ------------------------------------------------------------------------------------


def claims_purge(*, now=None) -> int:
    """Forget tokens and keys older than a day, oldest first in bounded batches."""
    before = (now or timezone.now()) - KEPT_FOR
    return sum(
        delete_in_batches(
            model.objects.filter(created_at__lt=before),
            oldest_first_by="created_at",
            batch=PURGE_BATCH,
        )
        for model in (FormClaim, IdempotencyKey)
    )
