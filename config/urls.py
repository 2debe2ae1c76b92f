from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("tracker.api.urls", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("feeds/", include("tracker.exports.urls", namespace="feeds")),
    path("", include("tracker.urls")),
]

# The API and the feeds answer unknown addresses and failures as problem+json, like every
# other error of theirs; the site keeps its pages.
handler404 = "tracker.api.errors.not_found"
handler500 = "tracker.api.errors.server_error"
