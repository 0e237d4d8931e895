"""Browsing as a person in the tests: a signed-in client in a language, a page's HTML, and an
admin change form posted."""

from django.forms import MultiWidget
from django.test import Client


def as_user(user, language="en", **kwargs) -> Client:
    """A client signed in as ``user``, reading ``language``; ``kwargs`` go to ``Client``."""
    client = Client(**kwargs)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def page(client, url) -> str:
    """The HTML of ``url``, which must answer 200."""
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def admin_post(client, url: str, **changes):
    """Post an admin change form as it is, but for ``changes``: what an administrator does."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = changes[name] if name in changes else form[name].value()
        if isinstance(field.widget, MultiWidget):
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            data.update({f"{name}_{i}": "" if v is None else v for i, v in enumerate(parts)})
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response
