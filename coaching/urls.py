from django.urls import path

from . import views, views_insights, views_statements

app_name = "coaching"

urlpatterns = [
    # Training (HR)
    path("trainings/", views.training_list, name="trainings"),
    path("trainings/new/", views.training_create, name="training-create"),
    path("trainings/<int:pk>/", views.training_detail, name="training-detail"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training-edit"),
    path("trainings/<int:pk>/sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session-attendance"),
    path("enrollments/<int:pk>/cancel/", views.enrollment_cancel, name="enrollment-cancel"),
    path("my-trainings/", views.my_trainings, name="my-trainings"),
    path("enrollments/<int:pk>/feedback/", views.enrollment_feedback, name="feedback"),
    path("training-requests/", views.training_requests, name="training-requests"),
    path(
        "training-requests/<int:pk>/decide/",
        views.training_request_decide,
        name="training-request-decide",
    ),
    path("skills/", views.skills_matrix, name="skills"),
    path("reps/<int:pk>/", views.rep_page, name="rep"),
    path("hr/", views.hr_dashboard, name="hr-dashboard"),
    # 1:1 coaching
    path("one-to-ones/", views.coaching_list, name="coaching"),
    path("one-to-ones/new/", views.coaching_create, name="coaching-create"),
    path("one-to-ones/<int:pk>/", views.coaching_detail, name="coaching-detail"),
    # Team animation
    path("challenges/", views.challenge_list, name="challenges"),
    path("challenges/new/", views.challenge_create, name="challenge-create"),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge-detail"),
    path("rituals/", views.ritual_list, name="rituals"),
    path("rituals/new/", views.ritual_create, name="ritual-create"),
    path("rituals/<int:pk>/", views.ritual_detail, name="ritual-detail"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("decisions/<int:pk>/to-action/", views.decision_to_action, name="decision-to-action"),
    path("kudos/", views.kudos_feed, name="kudos"),
    # What worked this period (coaching/insights.py)
    path("what-worked/", views_insights.what_worked_view, name="what-worked"),
    # Incentives
    path("incentives/", views.scheme_list, name="schemes"),
    path("incentives/new/", views.scheme_create, name="scheme-create"),
    path("incentives/<int:pk>/", views.scheme_detail, name="scheme-detail"),
    path("incentives/<int:pk>/close/", views.scheme_close, name="scheme-close"),
    path("incentives/<int:pk>/mark-paid/", views.scheme_mark_paid, name="scheme-mark-paid"),
    path(
        "incentives/<int:pk>/statement/<int:rep_id>/",
        views_statements.statement_view,
        name="statement",
    ),
]
