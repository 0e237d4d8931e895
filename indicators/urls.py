from django.urls import path

from . import views, views_targets

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("team/<int:team_id>/", views.dashboard_view, name="team-dashboard"),
    path("rep/<int:user_id>/", views.rep_view, name="rep"),
    path("mine/", views.my_figures, name="mine"),
    path("week/", views.week_view, name="week"),
    path("catalogue/", views.catalogue_view, name="catalogue"),
    path("plan/<int:plan_id>/", views.plan_indicators_view, name="plan"),
    path("plan/<int:plan_id>/new/", views.indicator_create_view, name="create"),
    path("plan/<int:plan_id>/add/<slug:code>/", views.add_from_catalogue, name="add"),
    path("action/<int:action_id>/", views.action_indicators_view, name="action"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/edit/", views.indicator_edit_view, name="edit"),
    path("<int:pk>/delete/", views.indicator_delete_view, name="delete"),
    path("<int:pk>/restore/", views.indicator_restore_view, name="restore"),
    path("targets/<int:pk>/restore/", views.target_restore_view, name="target-restore"),
    path("targets/<int:pk>/edit/", views_targets.target_edit_view, name="target-edit"),
    path("targets/<int:pk>/delete/", views_targets.target_delete_view, name="target-delete"),
    path(
        "measurements/<int:pk>/restore/",
        views.measurement_restore_view,
        name="measurement-restore",
    ),
    path("<int:pk>/targets/", views.target_set_view, name="targets"),
    path("<int:pk>/measurements/", views.measurement_add_view, name="measure"),
]

# Data in and out (indicators/views_data.py): measurement import, dashboard export.
from . import views_data, views_what_if  # noqa: E402

urlpatterns += [
    path("<int:pk>/what-if/", views_what_if.what_if_view, name="what-if"),
    path("plan/<int:plan_id>/import/", views_data.measurement_import, name="measurement-import"),
    path("export.<str:fmt>", views_data.dashboard_export, name="dashboard-export"),
    path(
        "team/<int:team_id>/export.<str:fmt>",
        views_data.dashboard_export,
        name="team-dashboard-export",
    ),
]
