from django.urls import path

from tracker.views import health, incidents

app_name = "tracker"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("incidents/", incidents.incident_list, name="incident-list"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident-detail"),
]
