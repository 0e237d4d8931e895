import pytest

from .world import build_world


@pytest.fixture
def world(team, manager, rep, rep2, other_team, other_manager, outsider, hr):
    return build_world(
        team=team,
        manager=manager,
        rep=rep,
        rep2=rep2,
        other_team=other_team,
        other_manager=other_manager,
        outsider=outsider,
        hr=hr,
    )


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield
