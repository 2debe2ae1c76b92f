"""Feeds, for editors: list them with their health, add one from any address (a page's
advertised feeds are offered), change its fetch settings, and discover the feeds of a page.
Credentials (extra headers, a proxy's password) are accepted but never returned."""

from dataclasses import asdict
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.pagination import IdPagination
from tracker.api.permissions import EditorsOnly
from tracker.ingest.discover import discover
from tracker.ingest.transport import redact
from tracker.models import Feed
from tracker.models.feed import PROXY_SCHEMES, validate_extra_headers, validate_proxy_url
from tracker.services.errors import UNPROCESSABLE
from tracker.services.feed_discovery import FeedChoiceNeeded, feed_add
from tracker.services.feeds import FEED_SETTINGS, feed_update_settings, feed_url_normal

WRITE_PERMS = {
    "POST": "tracker.add_feed",
    "PATCH": "tracker.change_feed",
    "PUT": "tracker.change_feed",
}


class FeedPermission(EditorsOnly):
    """Readers need the model's view permission, writers its add / change permission."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        needed = WRITE_PERMS.get(request.method or "")
        if view.action == "discover":
            needed = "tracker.add_feed"
        return needed is None or request.user.has_perm(needed)


# The formats the two free-text settings take, written into the OpenAPI document: a client
# (or a fuzzer) that follows the schema sends what the server accepts, and anything else is a
# malformed request (400), not refused data.
@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([0-9]{1,3} )?([0-9]{1,2}:){0,2}[0-9]{1,2}$",
        "example": "00:30:00",
        "description": "[DD ][HH:[MM:]]ss; at least one minute.",
    }
)
class PollIntervalField(serializers.DurationField):
    pass


@extend_schema_field(
    {
        "type": "string",
        "writeOnly": True,
        "pattern": rf"^$|^({'|'.join(PROXY_SCHEMES)})://([^:@/\s]{{1,64}}(:[^@/\s]{{0,64}})?@)?"
        r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,4})?/?$",
        "example": "socks5h://user:secret@proxy.example.net:1080",
    }
)
class ProxyUrlField(serializers.CharField):
    pass


def _headers_refused(value: Any) -> None:
    """A JSON object of strings is what the schema admits; a header the fetch refuses (a reserved
    or malformed name, a value of two lines) is refused data: 422, not a malformed request."""
    try:
        validate_extra_headers(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages, code=UNPROCESSABLE) from exc


@extend_schema_field(
    {"type": "object", "additionalProperties": {"type": "string"}, "writeOnly": True}
)
class HeadersField(serializers.JSONField):
    pass


class FeedSerializer(serializers.ModelSerializer):
    extra_headers = HeadersField(
        write_only=True,
        required=False,
        validators=[_headers_refused],
        help_text="Sent with every request; never returned.",
    )
    extra_header_names = serializers.SerializerMethodField()
    proxy = serializers.SerializerMethodField(help_text="The proxy, its password hidden.")
    poll_interval = PollIntervalField(required=False)
    proxy_url = ProxyUrlField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=500,
        validators=[validate_proxy_url],
    )

    class Meta:
        model = Feed
        fields = [
            "id",
            "url",
            "title",
            "format",
            "poll_interval",
            "is_active",
            "tags",
            "health",
            "consecutive_failures",
            "last_error",
            "last_success_at",
            "next_fetch_at",
            *FEED_SETTINGS,
            "extra_header_names",
            "proxy",
            "websub_hub",
            "websub_state",
            "websub_renew_at",
            "websub_error",
        ]
        read_only_fields = [
            "format",
            "health",
            "consecutive_failures",
            "last_error",
            "last_success_at",
            "next_fetch_at",
            "websub_hub",
            "websub_state",
            "websub_renew_at",
            "websub_error",
        ]
        # Uniqueness is the service's: an address already registered returns that feed.
        validators: list[Any] = []

    def get_extra_header_names(self, feed: Feed) -> list[str]:
        return sorted(feed.extra_headers or {})

    def get_proxy(self, feed: Feed) -> str:
        return redact(feed.proxy_url)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # Checked by the service, as for every door (an address already registered returns
        # that feed; a homepage is a valid address to add from).
        fields["url"] = serializers.CharField(max_length=2000)
        return fields


class DiscoverSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000)


class CandidateSerializer(serializers.Serializer):
    url = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()


class DiscoverySerializer(serializers.Serializer):
    url = serializers.CharField()
    feed_url = serializers.CharField(help_text="Set when the address is itself a feed.")
    title = serializers.CharField()
    candidates = CandidateSerializer(many=True)
    reason = serializers.CharField(help_text="Why nothing was found, in words.")
    unreachable = serializers.BooleanField()


class FeedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """POST with an outlet's homepage or an article URL adds the feed it advertises; with
    several, 400 lists them under `candidates` (post one of their URLs). PATCH changes the
    fetch settings."""

    queryset = Feed.objects.order_by("id")
    serializer_class = FeedSerializer
    permission_classes = [FeedPermission]
    pagination_class = IdPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Feed]:
        return Feed.objects.order_by("id")

    @extend_schema(
        responses={
            201: FeedSerializer,
            200: FeedSerializer,
            400: OpenApiResponse(description="invalid, or a page with several feeds"),
        }
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = FeedSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            added = feed_add(
                url=data["url"],
                title=data.get("title", ""),
                poll_interval=data.get("poll_interval") or Feed.poll_interval.field.default,
                tags=data.get("tags") or [],
                settings={name: data[name] for name in FEED_SETTINGS if name in data},
            )
        except FeedChoiceNeeded as exc:
            return Response(
                {
                    **exc.message_dict,
                    "candidates": [asdict(c) for c in exc.discovery.candidates],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        body = FeedSerializer(added.feed).data
        if added.note:
            body["note"] = added.note
        return Response(body, status=status.HTTP_201_CREATED if added.created else 200)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = feed_update_settings(
            feed=cast(Feed, serializer.instance), changes=dict(serializer.validated_data)
        )

    @extend_schema(request=DiscoverSerializer, responses=DiscoverySerializer)
    @action(detail=False, methods=["post"])
    def discover(self, request: Request) -> Response:
        """What an address is: a feed, or a page and the feeds it advertises (or why none)."""
        form = DiscoverSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        url, credentials = feed_url_normal(form.validated_data["url"])
        found = discover(url, credentials=credentials)
        return Response(DiscoverySerializer(found).data)
