from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("my-actions/", views.my_actions, name="my-actions"),
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/timeline/", views.plan_timeline, name="plan-timeline"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path(
        "plans/<int:pk>/activate/",
        views.plan_change_status,
        {"transition": "activate"},
        name="plan-activate",
    ),
    path(
        "plans/<int:pk>/close/",
        views.plan_change_status,
        {"transition": "close"},
        name="plan-close",
    ),
    path(
        "plans/<int:pk>/archive/",
        views.plan_change_status,
        {"transition": "archive"},
        name="plan-archive",
    ),
    path("plans/<int:pk>/duplicate/", views.plan_duplicate, name="plan-duplicate"),
    path("plans/<int:pk>/levers/new/", views.lever_create, name="lever-create"),
    path("plans/<int:pk>/levers/order/", views.lever_reorder, name="lever-reorder"),
    path("plans/<int:pk>/actions/new/", views.action_create, name="action-create"),
    path("plans/<int:pk>/actions/reassign/", views.actions_reassign, name="actions-reassign"),
    path("plans/<int:pk>/milestones/new/", views.milestone_create, name="milestone-create"),
    path("levers/<int:pk>/edit/", views.lever_edit, name="lever-edit"),
    path("levers/<int:pk>/delete/", views.lever_delete, name="lever-delete"),
    path("levers/<int:pk>/restore/", views.lever_restore, name="lever-restore"),
    path("levers/<int:pk>/move/", views.lever_move, name="lever-move"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone-delete"),
    path("milestones/<int:pk>/restore/", views.milestone_restore, name="milestone-restore"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
    path("actions/<int:pk>/delete/", views.action_delete, name="action-delete"),
    path("actions/<int:pk>/restore/", views.action_restore, name="action-restore"),
    path(
        "actions/<int:pk>/complete/",
        views.action_status,
        {"transition": "complete"},
        name="action-complete",
    ),
    path(
        "actions/<int:pk>/reopen/",
        views.action_status,
        {"transition": "reopen"},
        name="action-reopen",
    ),
    path(
        "actions/<int:pk>/start/",
        views.action_status,
        {"transition": "start"},
        name="action-start",
    ),
    path(
        "actions/<int:pk>/cancel/",
        views.action_status,
        {"transition": "cancel"},
        name="action-cancel",
    ),
    path("actions/<int:pk>/comment/", views.action_comment, name="action-comment"),
]

# Data in and out (plans/views_data.py): imports and exports.
from . import views_data  # noqa: E402

urlpatterns += [
    path("plans/<int:pk>/import/", views_data.plan_import, name="plan-import"),
    path(
        "plans/<int:pk>/export.<str:fmt>",
        views_data.plan_export,
        name="plan-export",
    ),
    path("imports/<int:pk>/", views_data.import_job, name="import-job"),
    path("imports/<int:pk>/run/", views_data.import_job_run, name="import-job-run"),
    path("imports/<int:pk>/progress/", views_data.import_progress, name="import-progress"),
    path("imports/<int:pk>/retry/", views_data.import_job_retry_view, name="import-job-retry"),
]
