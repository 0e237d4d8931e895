"""This app's resources under /api/v1/ (included by pacsite.urls)."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("teams", api.TeamViewSet, basename="team")
router.register("plans", api.PlanViewSet, basename="plan")
router.register("levers", api.LeverViewSet, basename="lever")
router.register("milestones", api.MilestoneViewSet, basename="milestone")
router.register("actions", api.ActionViewSet, basename="action")

urlpatterns = router.urls
