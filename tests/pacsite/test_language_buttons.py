"""The language buttons: each named in its own language, whatever the page's."""

import pytest


@pytest.mark.django_db  # the sign-in page looks whether the database is a demo one
def test_each_language_button_is_named_in_its_own_language(client):
    page = client.get("/login/").content.decode()  # French by default
    assert 'lang="en" title="English"' in page and 'lang="fr" title="Français"' in page
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="fr" title="Français"' in page
