from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import selectors, services
from .filters import NotificationFilter
from .serializers import MarkedReadSerializer, NotificationSerializer, PreferenceSerializer


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The authenticated user's notifications (the bell's items); others' are 404."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        return selectors.notifications_for(self.request.user)

    def get_object(self):
        reminder = super().get_object()
        selectors.hydrate([reminder])
        return reminder

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.hydrate(page)
        return page

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="read")
    def mark_read(self, request, pk=None):
        reminder = self.get_object()
        services.notification_mark_read(user=request.user, reminder=reminder)
        return Response(self.get_serializer(reminder).data)

    @extend_schema(request=None, responses=MarkedReadSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def mark_all_read(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        return Response(MarkedReadSerializer({"marked": count}).data)


class PreferenceView(generics.RetrieveUpdateAPIView):
    """The authenticated user's reminder preferences."""

    serializer_class = PreferenceSerializer

    def get_object(self):
        return services.preference_get(user=self.request.user)

    @transaction.atomic
    def perform_update(self, serializer):
        serializer.instance = services.preference_update(
            user=self.request.user, **serializer.validated_data
        )
