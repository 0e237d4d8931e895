"""The API's documentation page: Swagger UI inside the app's layout (its navigation), its
scripts and styles served from this origin (drf-spectacular-sidecar), the init script a
static-like file of its own, so the strict Content-Security-Policy holds on it too."""

from django.contrib.auth.decorators import login_required
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView


# The docs page is for people: send them to the login page rather than a 401.
@method_decorator(login_required, name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    url_name = "api-schema"
