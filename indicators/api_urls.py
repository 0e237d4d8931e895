"""This app's resources under /api/v1/ (included by pacsite.urls)."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("indicators", api.IndicatorViewSet, basename="indicator")
router.register("indicator-templates", api.IndicatorTemplateViewSet, basename="indicator-template")
router.register("targets", api.TargetViewSet, basename="target")
router.register("measurements", api.MeasurementViewSet, basename="measurement")
router.register("dashboard", api.DashboardViewSet, basename="dashboard")

urlpatterns = router.urls
