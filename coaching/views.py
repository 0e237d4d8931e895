"""Pages of the coaching app: fetch through a scoped selector, validate, call a service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from indicators.models import Indicator
from plans.access import plans_visible_to
from plans.exports import csv_file
from plans.models import PlanStatus
from plans.selectors import person_name
from teams.access import get_object_for_user, managed_teams, visible_teams
from teams.forms import add_service_errors
from teams.once import once, once_failed
from teams.roles import Role, role_of

from . import selectors, services
from .filters import TrainingFilter
from .forms import (
    AgreedActionForm,
    AssessForm,
    AttendanceRowForm,
    ChallengeForm,
    CoachingSessionForm,
    DecisionForm,
    EnrollForm,
    FeedbackForm,
    GroupFormSet,
    KudosForm,
    MeetingForm,
    RitualForm,
    SchemeForm,
    SessionForm,
    TierFormSet,
    TrainingForm,
    TrainingRequestForm,
)
from .models import (
    Decision,
    EnrollmentStatus,
    LevelSource,
    RequestStatus,
    Training,
)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _form_page(
    request, form, title, *, formset=None, formset_title="", formset_help="", back=None, intro=""
):
    return render(
        request,
        "coaching/form.html",
        {
            "form": form,
            "formset": formset,
            "formset_title": formset_title,
            "formset_help": formset_help,
            "title": title,
            "back": back,
            "intro": intro,
        },
    )


def _today():
    return timezone.localdate()


# --------------------------------------------------------------------------- training


def training_list(request):
    filterset = TrainingFilter(request.GET or None, queryset=selectors.trainings_for(request.user))
    return render(
        request,
        "coaching/training_list.html",
        {
            "trainings": filterset.qs,
            "filter": filterset,
            "can_edit": selectors.is_hr(request.user),
        },
    )


@once
def training_create(request):
    _require(selectors.is_hr(request.user))
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Training created."))
            return redirect("coaching:training-detail", pk=training.pk)
    return _form_page(request, form, _("New training"), back=reverse("coaching:trainings"))


def training_edit(request, pk):
    _require(selectors.is_hr(request.user))
    training = get_object_for_user(selectors.trainings_for(request.user), request.user, pk=pk)
    form = TrainingForm(request.POST or None, instance=training)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_update(training=training, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Training saved."))
            return redirect("coaching:training-detail", pk=training.pk)
    return _form_page(
        request, form, str(training), back=reverse("coaching:training-detail", args=[training.pk])
    )


def training_detail(request, pk):
    training = get_object_for_user(selectors.trainings_for(request.user), request.user, pk=pk)
    sessions = selectors.sessions_for(request.user).filter(training=training)
    return render(
        request,
        "coaching/training_detail.html",
        {
            "training": training,
            "sessions": sessions,
            "feedback": selectors.average_feedback(training),
            "can_edit": selectors.is_hr(request.user),
            "now": timezone.now(),
        },
    )


@once
def session_create(request, pk):
    _require(selectors.is_hr(request.user))
    training = get_object_for_user(Training.objects.all(), request.user, pk=pk)
    form = SessionForm(request.POST or None, initial={"duration_hours": training.duration_hours})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                training=training, by=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Session planned."))
            return redirect("coaching:session-detail", pk=session.pk)
    return _form_page(
        request,
        form,
        _("New session of “%(training)s”") % {"training": training},
        back=reverse("coaching:training-detail", args=[training.pk]),
    )


@once
def session_detail(request, pk):
    session = get_object_for_user(selectors.sessions_for(request.user), request.user, pk=pk)
    is_hr = selectors.is_hr(request.user)
    enrollments = (
        selectors.enrollments_for(request.user)
        .filter(session=session)
        .order_by("rep__last_name", "rep__username")
    )
    form = None
    if is_hr:
        enrolled = session.enrollments.values("rep")
        form = EnrollForm(
            request.POST or None,
            reps=selectors.reps_visible_to(request.user).exclude(pk__in=enrolled),
        )
        if request.method == "POST" and form.is_valid():
            try:
                done = services.enrollments_create_many(
                    session=session, reps=form.cleaned_data["rep"], by=request.user
                )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                _enrolled_message(request, done)
                return redirect("coaching:session-detail", pk=session.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "coaching/session_detail.html",
        {
            "session": session,
            "enrollments": enrollments,
            "form": form,
            "can_edit": is_hr,
            # Before the session HR may cancel a seat (or a place on the waiting list).
            "can_cancel": is_hr and session.starts_at > timezone.now(),
            "cancellable": services.CANCELLABLE_STATUSES,
        },
    )


@require_POST
def enrollment_cancel(request, pk):
    """HR cancels one enrolment; the page names the rep who gets the freed seat, if any."""
    _require(selectors.is_hr(request.user))
    enrollment = get_object_for_user(selectors.enrollments_for(request.user), request.user, pk=pk)
    rep = person_name(enrollment.rep)
    try:
        promoted = services.enrollment_cancel(enrollment=enrollment, by=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The enrolment of %(rep)s is cancelled.") % {"rep": rep})
        for seated in promoted:
            messages.success(
                request,
                _("%(rep)s was on the waiting list and now has the freed seat.")
                % {"rep": person_name(seated.rep)},
            )
    return redirect("coaching:session-detail", pk=enrollment.session_id)


def _enrolled_message(request, enrollments) -> None:
    waiting = sum(e.status == EnrollmentStatus.WAITING for e in enrollments)
    seated = len(enrollments) - waiting
    if seated:
        messages.success(
            request,
            ngettext("%(n)d rep enrolled.", "%(n)d reps enrolled.", seated) % {"n": seated},
        )
    if waiting:
        messages.warning(
            request,
            ngettext(
                "The session is full: %(n)d rep is on the waiting list.",
                "The session is full: %(n)d reps are on the waiting list.",
                waiting,
            )
            % {"n": waiting},
        )


def session_attendance(request, pk):
    """HR records attendance, scores and certificates for the whole session on one page."""
    _require(selectors.is_hr(request.user))
    session = get_object_for_user(selectors.sessions_for(request.user), request.user, pk=pk)
    enrollments = selectors.enrollments_of_session(session)
    forms_ = [
        AttendanceRowForm(request.POST or None, instance=e, prefix=f"e{e.pk}") for e in enrollments
    ]
    if request.method == "POST" and all(f.is_valid() for f in forms_):
        rows = [{"enrollment": f.instance, **f.cleaned_data} for f in forms_]
        # The forms wrote the new values onto the instances; the service compares them with
        # fresh copies, so hand it unsaved values over fresh rows.
        fresh = {e.pk: e for e in session.enrollments.select_related("rep")}
        for row in rows:
            row["enrollment"] = fresh[row["enrollment"].pk]
        try:
            count = services.attendance_record(session=session, rows=rows, by=request.user)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "Attendance recorded (%(n)s changed).",
                    "Attendance recorded (%(n)s changed).",
                    count,
                )
                % {"n": count},
            )
            return redirect("coaching:session-detail", pk=session.pk)
    return render(
        request,
        "coaching/session_attendance.html",
        {"session": session, "rows": list(zip(enrollments, forms_, strict=True))},
    )


def my_trainings(request):
    enrollments = selectors.enrollments_for(request.user).filter(rep=request.user)
    return render(
        request,
        "coaching/my_trainings.html",
        {
            "enrollments": enrollments.order_by("-session__starts_at"),
            "now": timezone.now(),
            "is_rep": selectors.is_rep(request.user),
        },
    )


def enrollment_feedback(request, pk):
    enrollment = get_object_for_user(selectors.enrollments_for(request.user), request.user, pk=pk)
    initial = {"rating": enrollment.feedback_rating, "comment": enrollment.feedback_comment}
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_feedback(
                enrollment=enrollment,
                by=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("coaching:my-trainings")
    return _form_page(
        request,
        form,
        _("Your feedback on “%(training)s”") % {"training": enrollment.session.training},
        back=reverse("coaching:my-trainings"),
    )


@once
def training_requests(request):
    role = role_of(request.user)
    _require(role in (Role.MANAGER, Role.HR, Role.ADMIN))
    form = None
    if role in (Role.MANAGER, Role.ADMIN):
        form = TrainingRequestForm(
            request.POST or None, reps=selectors.reps_managed_by(request.user)
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.training_request_create(
                    training=form.cleaned_data["training"],
                    rep=form.cleaned_data["rep"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, _("Request sent to HR."))
                return redirect("coaching:training-requests")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "coaching/training_requests.html",
        {
            "requests": selectors.training_requests_for(request.user),
            "form": form,
            "can_decide": selectors.is_hr(request.user),
        },
    )


@require_POST
def training_request_decide(request, pk):
    _require(selectors.is_hr(request.user))
    req = get_object_for_user(selectors.training_requests_for(request.user), request.user, pk=pk)
    status = request.POST.get("status")
    if status not in (RequestStatus.ACCEPTED, RequestStatus.DECLINED):
        messages.error(request, _("Unknown decision."))
    else:
        services.training_request_decide(request=req, status=status, by=request.user)
        messages.success(request, _("Request updated."))
    return redirect("coaching:training-requests")


def skills_matrix(request):
    matrix = selectors.skills_matrix(request.user)
    return render(request, "coaching/skills_matrix.html", {"matrix": matrix})


@once
def rep_page(request, pk):
    """A rep's growth: skill levels with their history, trainings, kudos received."""
    rep = get_object_for_user(selectors.reps_visible_to(request.user), request.user, pk=pk)
    can_assess = selectors.reps_managed_by(request.user).filter(pk=rep.pk).exists()
    form = AssessForm(request.POST or None) if can_assess else None
    if request.method == "POST":
        _require(can_assess)
        if form.is_valid():
            services.skill_level_set(
                rep=rep,
                skill=form.cleaned_data["skill"],
                level=form.cleaned_data["level"],
                source=LevelSource.ASSESSMENT,
                note=form.cleaned_data["note"],
                by=request.user,
            )
            messages.success(request, _("Assessment recorded."))
            return redirect("coaching:rep", pk=rep.pk)
    return render(
        request,
        "coaching/rep_page.html",
        {
            "rep": rep,
            "levels": rep.skill_levels.select_related("skill"),
            "history": selectors.skill_history(rep).order_by("-created_at", "-id"),
            "enrollments": selectors.enrollments_for(request.user).filter(rep=rep),
            "kudos": selectors.kudos_for(request.user).filter(rep=rep)[:20],
            "form": form,
        },
    )


def _csv_response(filename: str, header: list, rows: list) -> HttpResponse:
    """A CSV download in the request's language (``plans.exports.csv_file``)."""
    response = HttpResponse(csv_file(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def hr_dashboard(request):
    _require(selectors.is_hr(request.user))
    dashboard = selectors.hr_dashboard(today=_today())
    if request.GET.get("export") == "csv":
        header = [_("Rep"), _("Username"), _("Trainings"), _("Hours"), _("Cost (€)")]
        rows = [
            [row["name"], row["rep__username"], row["trainings"], row["hours"], row["cost"]]
            for row in dashboard.per_rep
        ]
        return _csv_response(f"training-{dashboard.year}.csv", header, rows)
    return render(request, "coaching/hr_dashboard.html", {"d": dashboard})


# --------------------------------------------------------------------------- 1:1 coaching


def coaching_list(request):
    return render(
        request,
        "coaching/coaching_list.html",
        {
            "sessions": selectors.coaching_sessions_for(request.user),
            "can_create": selectors.is_manager(request.user),
        },
    )


@once
def coaching_create(request):
    _require(selectors.is_manager(request.user))
    form = CoachingSessionForm(
        request.POST or None,
        reps=selectors.reps_managed_by(request.user),
        # The home page's "Plan a 1:1" names the rep.
        initial={"date": _today(), "rep": request.GET.get("rep")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.coaching_session_create(manager=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Coaching session recorded."))
            return redirect("coaching:coaching-detail", pk=session.pk)
    return _form_page(
        request, form, _("New 1:1 coaching session"), back=reverse("coaching:coaching")
    )


@once
def coaching_detail(request, pk):
    session = get_object_for_user(
        selectors.coaching_sessions_for(request.user), request.user, pk=pk
    )
    can_edit = session.manager_id == request.user.pk
    form = None
    if can_edit:
        form = AgreedActionForm(request.POST or None, levers=services.levers_for_team(session.team))
        if request.method == "POST" and form.is_valid():
            try:
                services.coaching_action_add(session=session, by=request.user, **form.cleaned_data)
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, _("Agreed action added to the rep's plan."))
                return redirect("coaching:coaching-detail", pk=session.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "coaching/coaching_detail.html",
        {
            "session": session,
            "can_read_notes": session.notes_readable_by(request.user),
            "actions": session.actions.select_related("lever__plan"),
            "form": form,
        },
    )


# --------------------------------------------------------------------------- team animation


def _managed_team_or_403(request):
    team = managed_teams(request.user).first()
    _require(team is not None)
    return team


def challenge_list(request):
    services.challenges_regenerate(today=_today())
    return render(
        request,
        "coaching/challenge_list.html",
        {
            "challenges": selectors.challenges_for(request.user),
            "can_create": managed_teams(request.user).exists(),
            "today": _today(),
        },
    )


@once
def challenge_create(request):
    team = _managed_team_or_403(request)
    form = ChallengeForm(
        request.POST or None, initial={"start_date": _today()}, indicators=_indicators_of([team])
    )
    formset = GroupFormSet(
        request.POST or None,
        prefix="groups",
        form_kwargs={"reps": team.members.order_by("last_name", "username")},
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        groups = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("name")]
        try:
            challenge = services.challenge_create(
                team=team, by=request.user, groups=groups, **form.cleaned_data
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Challenge launched."))
            return redirect("coaching:challenge-detail", pk=challenge.pk)
    return _form_page(
        request,
        form,
        _("New challenge"),
        formset=formset,
        formset_title=_("Groups (teams of reps)"),
        formset_help=_(
            "Only for a challenge between teams of reps: name each group and tick its reps."
        ),
        back=reverse("coaching:challenges"),
    )


def challenge_detail(request, pk):
    challenge = get_object_for_user(selectors.challenges_for(request.user), request.user, pk=pk)
    today = _today()
    rows = selectors.challenge_leaderboard(challenge, today=today)
    template = "coaching/_leaderboard.html" if request.htmx else "coaching/challenge_detail.html"
    return render(
        request,
        template,
        {"challenge": challenge, "rows": rows, "over": challenge.is_over(today), "today": today},
    )


def ritual_list(request):
    return render(
        request,
        "coaching/ritual_list.html",
        {
            "rituals": selectors.rituals_for(request.user),
            "can_create": managed_teams(request.user).exists(),
        },
    )


@once
def ritual_create(request):
    team = _managed_team_or_403(request)
    form = RitualForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ritual = services.ritual_create(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            return redirect("coaching:ritual-detail", pk=ritual.pk)
    return _form_page(request, form, _("New ritual"), back=reverse("coaching:rituals"))


def _team_people(team):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User.objects.filter(pk__in=[team.manager_id, *team.members.values_list("pk", flat=True)])


@once
def ritual_detail(request, pk):
    ritual = get_object_for_user(selectors.rituals_for(request.user), request.user, pk=pk)
    can_edit = ritual.team.manager_id == request.user.pk or role_of(request.user) == Role.ADMIN
    form = None
    if can_edit:
        form = MeetingForm(
            request.POST or None,
            people=_team_people(ritual.team),
            initial={"date": _today(), "agenda": ritual.default_agenda},
        )
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            attendees = list(data.pop("attendees"))
            try:
                meeting = services.meeting_save(
                    ritual=ritual, by=request.user, attendees=attendees, **data
                )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                return redirect("coaching:meeting-detail", pk=meeting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    meetings = ritual.meetings.prefetch_related("attendees", "decisions")
    return render(
        request,
        "coaching/ritual_detail.html",
        {"ritual": ritual, "meetings": meetings, "form": form},
    )


@once
def meeting_detail(request, pk):
    meeting = get_object_for_user(selectors.meetings_for(request.user), request.user, pk=pk)
    team = meeting.ritual.team
    can_edit = team.manager_id == request.user.pk or role_of(request.user) == Role.ADMIN
    minutes_form = decision_form = None
    if can_edit:
        data = request.POST if request.POST.get("form") == "minutes" else None
        minutes_form = MeetingForm(data, instance=meeting, people=_team_people(team))
        if data is not None and minutes_form.is_valid():
            cleaned = dict(minutes_form.cleaned_data)
            attendees = list(cleaned.pop("attendees"))
            try:
                services.meeting_save(
                    ritual=meeting.ritual,
                    meeting=meeting,
                    by=request.user,
                    attendees=attendees,
                    **cleaned,
                )
            except ValidationError as e:
                add_service_errors(minutes_form, e)
            else:
                messages.success(request, _("Meeting saved."))
                return redirect("coaching:meeting-detail", pk=meeting.pk)
        data = request.POST if request.POST.get("form") == "decision" else None
        decision_form = DecisionForm(
            data, reps=team.members.all(), levers=services.levers_for_team(team)
        )
        if data is not None and decision_form.is_valid():
            try:
                services.decision_add(
                    meeting=meeting, by=request.user, **decision_form.cleaned_data
                )
            except ValidationError as e:
                add_service_errors(decision_form, e)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("coaching:meeting-detail", pk=meeting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "coaching/meeting_detail.html",
        {
            "meeting": meeting,
            "decisions": meeting.decisions.select_related("owner", "action", "lever"),
            "attendees": meeting.attendees.all(),
            "minutes_form": minutes_form,
            "decision_form": decision_form,
            "can_edit": can_edit,
        },
    )


@require_POST
@once
def decision_to_action(request, pk):
    decision = get_object_for_user(
        Decision.objects.filter(meeting__ritual__team__in=visible_teams(request.user)),
        request.user,
        pk=pk,
    )
    team = decision.meeting.ritual.team
    _require(team.manager_id == request.user.pk or role_of(request.user) == Role.ADMIN)
    try:
        services.decision_to_action(decision=decision, by=request.user)
    except ValidationError as e:
        once_failed(request)
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The decision is now a plan action."))
    return redirect("coaching:meeting-detail", pk=decision.meeting_id)


@once
def kudos_feed(request):
    teams = visible_teams(request.user)
    reps = (
        selectors.User.objects.filter(teams__in=teams, groups__name=str(Role.REP))
        .exclude(pk=request.user.pk)
        .distinct()
        .order_by("last_name", "username")
    )
    form = KudosForm(request.POST or None, reps=reps)
    if request.method == "POST" and form.is_valid():
        try:
            services.kudos_give(author=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Kudos sent."))
            return redirect("coaching:kudos")
    return render(
        request,
        "coaching/kudos_feed.html",
        {"kudos": selectors.kudos_for(request.user)[:50], "form": form},
    )


# --------------------------------------------------------------------------- incentives


def scheme_list(request):
    return render(
        request,
        "coaching/scheme_list.html",
        {
            "schemes": selectors.schemes_for(request.user),
            "can_create": managed_teams(request.user).exists(),
        },
    )


def _indicators_of(teams):
    return Indicator.objects.filter(plan__team__in=teams).select_related("plan")


@once
def scheme_create(request):
    teams = managed_teams(request.user)
    _require(teams.exists())
    plans = plans_visible_to(request.user).filter(
        team__in=teams, status__in=[PlanStatus.ACTIVE, PlanStatus.DRAFT]
    )
    form = SchemeForm(
        request.POST or None,
        plans=plans,
        reps=selectors.reps_managed_by(request.user),
        indicators=_indicators_of(teams),
    )
    formset = TierFormSet(request.POST or None, prefix="tiers")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        tiers = [f.cleaned_data for f in formset.forms if f.cleaned_data]
        data = dict(form.cleaned_data)
        try:
            with transaction.atomic():
                scheme = services.scheme_create(
                    plan=data.pop("plan"),
                    reps=list(data.pop("reps")),
                    tiers=tiers,
                    by=request.user,
                    **data,
                )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Incentive scheme created."))
            return redirect("coaching:scheme-detail", pk=scheme.pk)
    return _form_page(
        request,
        form,
        _("New incentive scheme"),
        formset=formset,
        formset_title=_("Tiers"),
        back=reverse("coaching:schemes"),
        intro=_(
            "Tiers: from a threshold (% achieved), the bonus is an amount or a % of the base; "
            "give them in increasing order."
        ),
    )


def scheme_detail(request, pk):
    scheme = get_object_for_user(selectors.schemes_for(request.user), request.user, pk=pk)
    today = _today()
    lines = selectors.scheme_payouts(
        scheme, selectors.payout_reps_for(request.user, scheme), today=today
    )
    if request.GET.get("export") == "csv":
        _require(selectors.is_hr(request.user))
        header = [
            _("Scheme"),
            _("Period"),
            _("Username"),
            _("Rep"),
            _("Achieved (%)"),
            _("Tier"),
            _("Amount (€)"),
            _("Explanation"),
            _("Paid at"),
        ]
        period = f"{scheme.period_start:%Y-%m-%d}/{scheme.period_end:%Y-%m-%d}"
        rows = [
            [
                scheme.name,
                period,
                line.rep.get_username(),
                line.rep.get_full_name(),
                line.achieved,
                line.tier_number or "",
                line.amount,
                line.explanation,
                line.paid_at,
            ]
            for line in lines
        ]
        return _csv_response(f"payouts-{scheme.pk}.csv", header, rows)
    return render(
        request,
        "coaching/scheme_detail.html",
        {
            "scheme": scheme,
            "tiers": scheme.tiers.all(),
            "lines": lines,
            "today": today,
            "can_close": scheme.status == "open"
            and (
                scheme.plan.team.manager_id == request.user.pk
                or role_of(request.user) == Role.ADMIN
            ),
            "is_hr": selectors.is_hr(request.user),
        },
    )


@require_POST
def scheme_close(request, pk):
    scheme = get_object_for_user(selectors.schemes_for(request.user), request.user, pk=pk)
    _require(scheme.plan.team.manager_id == request.user.pk or role_of(request.user) == Role.ADMIN)
    try:
        services.scheme_close(scheme=scheme, by=request.user, today=_today())
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Period closed: payouts are frozen."))
    return redirect("coaching:scheme-detail", pk=scheme.pk)


@require_POST
def scheme_mark_paid(request, pk):
    # Look the scheme up first: a scheme the user may not see is a 404, never a 403.
    scheme = get_object_for_user(selectors.schemes_for(request.user), request.user, pk=pk)
    _require(selectors.is_hr(request.user))
    try:
        count = services.payouts_mark_paid(scheme=scheme, by=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            ngettext("%(n)s payout marked paid.", "%(n)s payouts marked paid.", count)
            % {"n": count},
        )
    return redirect("coaching:scheme-detail", pk=scheme.pk)
