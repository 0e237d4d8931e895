from django.urls import path

from . import views

app_name = "crm"

urlpatterns = [
    path("", views.connections, name="connections"),
    path("new/", views.connection_create, name="connection-create"),
    path("<int:pk>/", views.connection_detail, name="connection-detail"),
    path("<int:pk>/edit/", views.connection_edit, name="connection-edit"),
    path("<int:pk>/sync/", views.connection_sync, name="connection-sync"),
    path("<int:pk>/delete/", views.connection_delete, name="connection-delete"),
    path("mappings/<int:pk>/delete/", views.mapping_delete, name="mapping-delete"),
    path("chat/", views.chat_hooks, name="chat"),
    path("chat/<int:pk>/delete/", views.chat_hook_delete, name="chat-delete"),
    path("hooks/<str:key>/", views.webhook, name="webhook"),
]
