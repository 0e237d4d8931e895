"""This app's resources under /api/v1/ (included by pacsite.urls)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, api_insights

router = SimpleRouter()
router.register("trainings", api.TrainingViewSet, basename="training")
router.register("training-sessions", api.TrainingSessionViewSet, basename="training-session")
router.register("enrollments", api.EnrollmentViewSet, basename="enrollment")
router.register("skills", api.SkillViewSet, basename="skill-level")
router.register("coaching-sessions", api.CoachingSessionViewSet, basename="coaching-session")
router.register("challenges", api.ChallengeViewSet, basename="challenge")
router.register("rituals", api.RitualViewSet, basename="ritual")
router.register("kudos", api.KudosViewSet, basename="kudos")
router.register("incentive-schemes", api.IncentiveSchemeViewSet, basename="incentive-scheme")

urlpatterns = [
    *router.urls,
    path("insights/what-worked/", api_insights.WhatWorkedView.as_view(), name="what-worked"),
]
