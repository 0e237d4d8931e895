"""One test world with named personas (STYLE.md habit 7).

``team`` is managed by ``manager`` and has the reps ``rep`` and ``rep2``; ``other_team`` is
managed by ``other_manager`` and has ``outsider``; ``hr`` and ``admin`` belong to no team.
"""

import pytest
from rest_framework.test import APIClient

from teams.roles import Role

from .factories import PASSWORD, TeamFactory, UserFactory

# The CI guard: a skipped ``@pytest.mark.fault`` test fails the run when PAC_REQUIRE_E2E=1
# (.ci/run) or CI=true, so CI cannot pass by skipping the fault tests.
from .faults.guard import pytest_runtest_makereport  # noqa: F401 (a hook, found by name)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def manager(db):
    return UserFactory(username="claire", role=Role.MANAGER)


@pytest.fixture
def rep(db):
    return UserFactory(username="julien", role=Role.REP)


@pytest.fixture
def rep2(db):
    return UserFactory(username="sophie", role=Role.REP)


@pytest.fixture
def team(manager, rep, rep2):
    return TeamFactory(name="Île-de-France", manager=manager, members=[rep, rep2])


@pytest.fixture
def other_manager(db):
    return UserFactory(username="nathalie", role=Role.MANAGER)


@pytest.fixture
def outsider(db):
    return UserFactory(username="lucas", role=Role.REP)


@pytest.fixture
def other_team(other_manager, outsider):
    return TeamFactory(name="Rhône-Alpes", manager=other_manager, members=[outsider])


@pytest.fixture
def hr(db):
    return UserFactory(username="isabelle", role=Role.HR)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", role=Role.ADMIN)


@pytest.fixture
def login(client):
    """Log ``client`` in as a user: ``login(rep)``; returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api():
    """An API client; ``api.force_authenticate(user)`` or a token header to act as a user."""
    return APIClient()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; tests are about our rules, not PBKDF2's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache(settings, request):
    # The configured cache (Redis or files under var/) outlives a test; each test gets its own
    # so no progress mark or flag leaks from one test into the next.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }
