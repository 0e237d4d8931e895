"""The coaching API: same selectors (scope), services (rules) and filters as the pages.

Rows outside the user's scope are a 404; visible rows the user may not change, a 403; a
broken rule, a 400 with its message per field.
"""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as api_action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from plans.access import plans_visible_to
from teams.access import managed_teams, visible_teams
from teams.once import IdempotentCreateMixin, idempotent
from teams.roles import Role, role_of

from . import selectors, services
from .filters import ChallengeFilter, EnrollmentFilter, TrainingFilter, TrainingSessionFilter
from .models import CoachingSession, LevelSource, SkillLevel, SkillLevelChange
from .serializers import (
    AgreedActionSerializer,
    AttendanceSerializer,
    ChallengeSerializer,
    CoachingSessionSerializer,
    EnrollmentSerializer,
    FeedbackSerializer,
    IncentiveSchemeSerializer,
    KudosSerializer,
    LeaderboardRowSerializer,
    PayoutLineSerializer,
    RitualSerializer,
    SkillLevelSerializer,
    TrainingSerializer,
    TrainingSessionSerializer,
)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


class HRWritesMixin:
    """Everyone signed in reads; only HR (and admins) write."""

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            _require(selectors.is_hr(request.user))


class TrainingViewSet(IdempotentCreateMixin, HRWritesMixin, viewsets.ModelViewSet):
    """The training catalogue: everyone reads, HR writes."""

    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter

    def get_queryset(self):
        return selectors.trainings_for(self.request.user).order_by("title")

    def perform_create(self, serializer):
        serializer.instance = services.training_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.training_update(
            training=serializer.instance,
            by=self.request.user,
            **serializer.validated_data,
        )


class TrainingSessionViewSet(IdempotentCreateMixin, HRWritesMixin, viewsets.ModelViewSet):
    """Sessions of the trainings, with the seats taken; HR writes."""

    serializer_class = TrainingSessionSerializer
    filterset_class = TrainingSessionFilter

    def get_queryset(self):
        return selectors.sessions_for(self.request.user).order_by("starts_at", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.session_create(
            training=data.pop("training"), by=self.request.user, **data
        )


class EnrollmentViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Enrolments: HR enrols and records attendance; the enrolled rep gives feedback."""

    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilter

    def get_queryset(self):
        return selectors.enrollments_for(self.request.user).order_by("session__starts_at", "id")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return AttendanceSerializer
        if self.action == "feedback":
            return FeedbackSerializer
        return EnrollmentSerializer

    def perform_create(self, serializer):
        _require(selectors.is_hr(self.request.user))
        data = serializer.validated_data
        serializer.instance = services.enrollment_create(
            session=data["session"],
            rep=data["rep"],
            by=self.request.user,
        )

    def perform_update(self, serializer):
        _require(selectors.is_hr(self.request.user))
        enrollment = serializer.instance
        services.attendance_record(
            session=enrollment.session,
            rows=[{"enrollment": enrollment, **serializer.validated_data}],
            by=self.request.user,
        )
        enrollment.refresh_from_db()

    @extend_schema(request=FeedbackSerializer, responses=EnrollmentSerializer)
    @api_action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        """The enrolled rep rates the session (1-5) with a comment, once it has taken place."""
        enrollment = self.get_object()
        data = FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.enrollment_feedback(
            enrollment=enrollment,
            by=request.user,
            rating=data.validated_data["rating"],
            comment=data.validated_data["comment"],
        )
        enrollment.refresh_from_db()
        return Response(EnrollmentSerializer(enrollment).data)


class SkillViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Skill levels (0-4) of the reps the user may see, each with its history.

    POST sets a level (a manager's assessment of one of their reps).
    """

    serializer_class = SkillLevelSerializer

    def get_queryset(self):
        return (
            SkillLevel.objects.filter(rep__in=selectors.reps_visible_to(self.request.user))
            .select_related("skill")
            .order_by("rep_id", "skill__name")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action in ("list", "retrieve"):
            # One query for the history of every visible level, grouped by (rep, skill).
            history = defaultdict(list)
            changes = SkillLevelChange.objects.filter(
                rep__in=selectors.reps_visible_to(self.request.user)
            ).order_by("created_at", "id")
            for change in changes:
                history[(change.rep_id, change.skill_id)].append(change)
            context["history"] = history
        return context

    def perform_create(self, serializer):
        data = serializer.validated_data
        user = self.request.user
        # A rep the caller cannot see is a 404, like any hidden row; one they see but do not
        # manage (HR, the rep themself) is a 403.
        if not selectors.reps_visible_to(user).filter(pk=data["rep"].pk).exists():
            raise NotFound
        _require(selectors.reps_managed_by(user).filter(pk=data["rep"].pk).exists())
        serializer.instance = services.skill_level_set(
            rep=data["rep"],
            skill=data["skill"],
            level=data["level"],
            source=LevelSource.ASSESSMENT,
            note=data.get("note", ""),
            by=self.request.user,
        )


class CoachingSessionViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """1:1 coaching sessions: visible to that manager, that rep and HR only."""

    serializer_class = CoachingSessionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return CoachingSession.objects.none()
        return selectors.coaching_sessions_for(self.request.user).prefetch_related("actions")

    def perform_create(self, serializer):
        _require(selectors.is_manager(self.request.user))
        serializer.instance = services.coaching_session_create(
            manager=self.request.user,
            **serializer.validated_data,
        )

    @extend_schema(request=AgreedActionSerializer, responses=CoachingSessionSerializer)
    @idempotent
    @api_action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request, pk=None):
        """Add an agreed action: it becomes a plan action assigned to the rep."""
        session = self.get_object()
        _require(session.manager_id == request.user.pk)
        data = AgreedActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.coaching_action_add(session=session, by=request.user, **data.validated_data)
        return Response(self.get_serializer(session).data, status=201)


class ManagerWritesMixin:
    """Everyone of the team reads; its manager writes (created rows go to their team)."""

    def _team(self):
        team = managed_teams(self.request.user).first()
        _require(team is not None)
        return team


class ChallengeViewSet(
    IdempotentCreateMixin,
    ManagerWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Challenges of the user's teams, with a live leaderboard."""

    serializer_class = ChallengeSerializer
    filterset_class = ChallengeFilter

    def get_queryset(self):
        return selectors.challenges_for(self.request.user).prefetch_related("groups__members")

    def list(self, request, *args, **kwargs):
        services.challenges_regenerate(today=timezone.localdate())
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        groups = [dict(g) for g in data.pop("groups", [])]
        serializer.instance = services.challenge_create(
            team=self._team(),
            by=self.request.user,
            groups=groups,
            **data,
        )

    @extend_schema(responses=LeaderboardRowSerializer(many=True))
    @api_action(detail=True, methods=["get"])
    def leaderboard(self, request, pk=None):
        """Rank, value and progress of each rep (or group of reps); medals once it is over."""
        challenge = self.get_object()
        rows = selectors.challenge_leaderboard(challenge, today=timezone.localdate())
        return Response(LeaderboardRowSerializer(rows, many=True).data)


class RitualViewSet(
    IdempotentCreateMixin,
    ManagerWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Team rituals with their meetings (agenda, attendees, minutes)."""

    serializer_class = RitualSerializer

    def get_queryset(self):
        return selectors.rituals_for(self.request.user).prefetch_related(
            "meetings__attendees", "meetings__decisions"
        )

    def perform_create(self, serializer):
        serializer.instance = services.ritual_create(
            team=self._team(),
            by=self.request.user,
            **serializer.validated_data,
        )


class KudosViewSet(
    IdempotentCreateMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The kudos feed of the user's teams; anyone may send kudos to a rep they can see."""

    serializer_class = KudosSerializer

    def get_queryset(self):
        return selectors.kudos_for(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        rep = data["rep"]
        team = selectors.team_of_rep(rep)
        if team is None or not visible_teams(self.request.user).filter(pk=team.pk).exists():
            raise serializers.ValidationError({"rep": [_("Unknown rep.")]})
        serializer.instance = services.kudos_give(
            author=self.request.user, rep=rep, message=data["message"]
        )


class IncentiveSchemeViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Incentive schemes; payouts are computed (``GET .../payouts/``), never written."""

    serializer_class = IncentiveSchemeSerializer

    def get_queryset(self):
        return selectors.schemes_for(self.request.user).prefetch_related("tiers", "reps")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = data.pop("plan")
        if not plans_visible_to(self.request.user).filter(pk=plan.pk).exists():
            raise serializers.ValidationError({"plan": [_("Unknown plan.")]})
        _require(
            plan.team.manager_id == self.request.user.pk or role_of(self.request.user) == Role.ADMIN
        )
        serializer.instance = services.scheme_create(
            plan=plan,
            reps=list(data.pop("reps")),
            tiers=[dict(t) for t in data.pop("tiers")],
            by=self.request.user,
            **data,
        )

    @extend_schema(responses=PayoutLineSerializer(many=True))
    @api_action(detail=True, methods=["get"])
    def payouts(self, request, pk=None):
        """Each covered rep's payout with its explanation and forecast; a rep sees their own."""
        scheme = self.get_object()
        lines = selectors.scheme_payouts(
            scheme, selectors.payout_reps_for(request.user, scheme), today=timezone.localdate()
        )
        return Response(PayoutLineSerializer(lines, many=True).data)
