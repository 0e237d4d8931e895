"""This app's resources under /api/v1/ (included by pacsite.urls)."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("crm-connections", api.ConnectionViewSet, basename="crm-connection")

urlpatterns = router.urls
