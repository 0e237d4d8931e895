"""Browsing as a person in the tests: a signed-in client in a language, and a page's HTML."""

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
