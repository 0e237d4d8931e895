import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"auth", "plans", "indicators", "coaching"}
        or model._meta.label == "teams.Team"
    }


def test_seed_demo_twice_gives_the_same_counts():
    call_command("seed_demo", password="pac-demo")
    first = _counts()
    call_command("seed_demo", password="pac-demo")
    assert _counts() == first
    assert first["teams.Team"] == 2
    assert first["auth.User"] == 8


def test_seed_demo_users_log_in_with_the_demo_password_and_belong_to_their_teams():
    call_command("seed_demo", password="pac-demo")
    manager = authenticate(username="manager", password="pac-demo")
    assert manager is not None
    team = manager.managed_teams.get()
    assert sorted(team.members.values_list("username", flat=True)) == ["rep1", "rep2", "rep3"]
    manager2 = authenticate(username="manager2", password="pac-demo")
    assert list(manager2.managed_teams.get().members.values_list("username", flat=True)) == ["rep4"]
    for username in ("hr", "admin", "rep4"):
        assert authenticate(username=username, password="pac-demo") is not None
    assert authenticate(username="admin", password="pac-demo").is_superuser
