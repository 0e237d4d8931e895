from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views
from .api import AuditViewSet, TokenView, me
from .api_docs import ApiDocsView
from .archived_view import plan_archived
from .language import LoginView, set_language

# The audit log's read-only API (pacsite/api.py).
audit_router = SimpleRouter()
audit_router.register("audit", AuditViewSet, basename="audit")

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", me, name="api-me"),
    path("", include("plans.api_urls")),
    path("", include("indicators.api_urls")),
    path("", include("coaching.api_urls")),
    path("", include("reminders.api_urls")),
    path("", include("crm.api_urls")),
    path("", include(audit_router.urls)),
]

# The error pages in the app's layout (pacsite/errors.py).
handler403 = "pacsite.errors.permission_denied"
handler404 = "pacsite.errors.page_not_found"
handler500 = "pacsite.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Signing in brings the person's saved language back (pacsite/language.py).
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The language buttons; signed in, they save the person's language.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("audit/", views.audit_list, name="audit"),
    path("search/", views.search_page, name="search"),
    path("plans/<int:pk>/archived/", plan_archived, name="plan-archived"),
    path("", include("plans.urls")),
    path("", include("reminders.profile_urls")),
    path("indicators/", include("indicators.urls")),
    path("coaching/", include("coaching.urls")),
    path("reminders/", include("reminders.urls")),
    path("crm/", include("crm.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(), name="api-docs"),
]
