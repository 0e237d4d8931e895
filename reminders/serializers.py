from rest_framework import serializers

from .models import Reminder, ReminderPreference
from .selectors import item_path


class NotificationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = [
            "id",
            "stage",
            "stage_label",
            "item_type",
            "item_id",
            "title",
            "due_date",
            "state",
            "created_at",
            "sent_at",
            "read_at",
            "read",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        path = getattr(obj, "path", None) or item_path(obj)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class PreferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReminderPreference
        fields = ["language", "email_mode", "daily_hour", "weekend_quiet"]
