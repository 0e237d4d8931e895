import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


@override_settings(
    # Nothing listens on port 1 of the loopback: the broker "does not answer".
    CELERY_BROKER_URL="redis://127.0.0.1:1/0",
    CELERY_BROKER_TRANSPORT_OPTIONS={},
)
def test_healthz_is_503_and_names_the_broker_when_it_does_not_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise RuntimeError("database gone")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
