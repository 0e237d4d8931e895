from rest_framework import serializers

from indicators.models import Indicator

from .models import Connection, Kind, Mapping, Metric


class MappingSerializer(serializers.ModelSerializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.all())
    metric = serializers.ChoiceField(choices=Metric.choices)

    class Meta:
        model = Mapping
        fields = ["id", "metric", "indicator", "pipeline", "stage", "activity_type"]
        read_only_fields = ["id"]
        extra_kwargs = {n: {"required": False} for n in ("pipeline", "stage", "activity_type")}


class ConnectionSerializer(serializers.ModelSerializer):
    """``credentials`` is write-only: sent to set or replace them, never answered back."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    credentials = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        write_only=True,
        required=False,
        help_text="HubSpot: access_token, client_secret. Pipedrive: api_token, webhook_user, "
        "webhook_password. Salesforce: access_token. Odoo: database, login, api_key. "
        "A field left out keeps its stored value.",
    )
    mappings = MappingSerializer(many=True, required=False)
    has_credentials = serializers.SerializerMethodField()

    class Meta:
        model = Connection
        fields = [
            "id",
            "team",
            "kind",
            "name",
            "base_url",
            "credentials",
            "has_credentials",
            "mappings",
            "state",
            "last_sync_at",
            "last_error",
            "unmatched_owners",
        ]
        read_only_fields = [
            "team",
            "has_credentials",
            "state",
            "last_sync_at",
            "last_error",
            "unmatched_owners",
        ]

    def get_has_credentials(self, obj) -> bool:
        return bool(obj.credentials)


class ConnectionUpdateSerializer(ConnectionSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices, read_only=True)
