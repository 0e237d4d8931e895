"""The demo company's coaching part: what the "done when" journey needs is there."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from coaching.models import Challenge, CoachingSession, IncentiveScheme, Ritual, Training
from coaching.selectors import challenge_leaderboard, scheme_payouts, sessions_starting_on

pytestmark = pytest.mark.django_db


def test_demo_has_trainings_a_scheme_in_three_tiers_a_challenge_a_ritual_and_a_1to1():
    call_command("seed_demo", password="pac-demo")
    today = timezone.localdate()
    assert {t.topic for t in Training.objects.all()} >= {"crm", "negotiation"}
    for scheme in IncentiveScheme.objects.all():  # on effort, and on revenue
        lines = scheme_payouts(scheme, scheme.reps.all(), today=today)
        assert len({line.tier_number for line in lines}) == 3, [x.explanation for x in lines]
    assert {s.basis for s in IncentiveScheme.objects.all()} == {"effort", "indicator"}
    challenge = Challenge.objects.get()
    assert challenge.start_date <= today <= challenge.end_date
    assert len(challenge_leaderboard(challenge, today=today)) == 3
    ritual = Ritual.objects.get()
    assert ritual.meetings.filter(date__lt=today).count() == 2
    assert CoachingSession.objects.filter(rep__username="rep1").count() == 1
    tomorrow = sessions_starting_on(today + datetime.timedelta(days=1))
    assert [r.username for s in tomorrow for r in s.enrolled_reps] == ["rep1", "rep2"]
