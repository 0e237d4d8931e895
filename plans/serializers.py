"""API serializers: the model's ``clean()`` rules answer per field, as on the pages."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from teams.access import managed_teams
from teams.api_errors import drf_errors
from teams.models import Team

from .access import plans_managed_by, plans_visible_to
from .models import Action, ActionEvent, Lever, Milestone, MilestoneStatus, Plan


class ModelCleanMixin:
    """Run the model's ``full_clean()`` on the would-be row inside ``validate()``."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        if self.instance is not None:
            probe = model.objects.get(pk=self.instance.pk)
        else:
            probe = model(**self.probe_defaults())
        for name, value in attrs.items():
            setattr(probe, name, value)
        try:
            probe.full_clean(exclude=self.clean_exclude)
        except DjangoValidationError as error:
            raise drf_errors(error) from None
        return attrs

    clean_exclude: tuple = ()

    def probe_defaults(self) -> dict:
        return {}


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class TeamSerializer(serializers.ModelSerializer):
    manager = UserRefSerializer(read_only=True)
    members = UserRefSerializer(many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "manager", "members"]


def _user(serializer):
    request = serializer.context.get("request")
    return request.user if request else None


class PlanSerializer(ModelCleanMixin, serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.none())

    class Meta:
        model = Plan
        fields = [
            "id",
            "team",
            "title",
            "start_date",
            "end_date",
            "status",
            "value_proposition",
            "target_customers",
            "customer_relationship",
            "offer_and_services",
            "market_share",
            "new_customers_and_markets",
            "partners",
            "resources",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            self.fields["team"].queryset = managed_teams(user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["team"].read_only = True  # a plan stays with its team


class PlanDuplicateSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ActivationReasonSerializer(serializers.Serializer):
    text = serializers.CharField()
    fix = serializers.CharField(help_text="The words of the link that fixes it.")
    url = serializers.CharField(help_text="The page where it is fixed (a path on this site).")


class ActivationRefusedSerializer(serializers.Serializer):
    missing = serializers.ListField(child=serializers.CharField())
    # The same lines with the page where each is fixed (absent when the plan is not a draft).
    reasons = ActivationReasonSerializer(many=True, required=False)


class LeverSerializer(ModelCleanMixin, serializers.ModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.none())
    actions_total = serializers.IntegerField(read_only=True)
    actions_done = serializers.IntegerField(read_only=True)
    actions_overdue = serializers.IntegerField(read_only=True)

    class Meta:
        model = Lever
        fields = [
            "id",
            "plan",
            "name",
            "aim",
            "description",
            "position",
            "actions_total",
            "actions_done",
            "actions_overdue",
            "archived_at",
        ]
        read_only_fields = ["position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            self.fields["plan"].queryset = plans_managed_by(user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["plan"].read_only = True


class MilestoneSerializer(ModelCleanMixin, serializers.ModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.none())
    status = serializers.SerializerMethodField()
    open_actions = serializers.IntegerField(read_only=True)
    done_actions = serializers.IntegerField(read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "plan",
            "title",
            "date",
            "description",
            "status",
            "open_actions",
            "done_actions",
            "archived_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            self.fields["plan"].queryset = plans_managed_by(user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["plan"].read_only = True

    @extend_schema_field(serializers.ChoiceField(choices=MilestoneStatus.choices))
    def get_status(self, milestone) -> str:
        """Derived: done / on_track / slipped (see ``Milestone.status``)."""
        return str(milestone.status(timezone.localdate()))


class ActionSerializer(ModelCleanMixin, serializers.ModelSerializer):
    lever = serializers.PrimaryKeyRelatedField(queryset=Lever.objects.none())
    assignee = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    milestone = serializers.PrimaryKeyRelatedField(
        queryset=Milestone.objects.none(), allow_null=True, required=False
    )
    plan = serializers.IntegerField(source="lever.plan_id", read_only=True)
    moved_days = serializers.IntegerField(read_only=True)
    is_overdue = serializers.SerializerMethodField()
    # Optimistic concurrency: the ``updated_at`` the client read; a save made after someone
    # else's is refused (409) instead of silently erasing it.
    version = serializers.DateTimeField(
        write_only=True,
        required=False,
        help_text="The `updated_at` you read: refused with 409 if the action changed since.",
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "plan",
            "lever",
            "title",
            "details",
            "assignee",
            "start_date",
            "due_date",
            "original_due_date",
            "moved_days",
            "status",
            "is_overdue",
            "priority",
            "milestone",
            "completed_at",
            "completed_by",
            "created_at",
            "updated_at",
            "version",
            "archived_at",
        ]
        read_only_fields = [
            "original_due_date",
            "completed_at",
            "completed_by",
            "created_at",
            "updated_at",
        ]

    clean_exclude = ("original_due_date",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            managed = plans_managed_by(user)
            self.fields["lever"].queryset = Lever.objects.filter(plan__in=managed)
            self.fields["milestone"].queryset = Milestone.objects.filter(
                plan__in=plans_visible_to(user)
            )

    def get_is_overdue(self, action) -> bool:
        return action.is_overdue(timezone.localdate())


class CommentSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True)

    class Meta:
        model = ActionEvent
        fields = ["id", "kind", "actor", "old_value", "new_value", "text", "created_at"]
        read_only_fields = ["kind", "old_value", "new_value", "created_at"]
        extra_kwargs = {"text": {"required": True, "allow_blank": False}}
