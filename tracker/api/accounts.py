"""Credentials and subscriptions, for editors: API tokens (/tokens/) and webhooks
(/webhooks/, with each subscription's delivery log)."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api import serializers as s
from tracker.api.base import StrictApiMixin, signed_in
from tracker.api.pagination import IdPagination
from tracker.api.permissions import EditorsOnly
from tracker.models import ApiToken, Webhook
from tracker.services.api_tokens import api_token_create, api_token_revoke
from tracker.services.webhooks import (
    webhook_create,
    webhook_ping,
    webhook_redeliver,
    webhook_rotate_secret,
)


class TokenCreateSerializer(s.ApiTokenSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text="Yourself (the default): a token acts for the user who creates it; any "
        "other user is refused (403).",
    )


class ApiTokenViewSet(
    StrictApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Tokens you created or that act as you. DELETE revokes (the row stays, for the record)."""

    queryset = ApiToken.objects.all()  # the model, for the schema; rows come from get_queryset
    serializer_class = s.ApiTokenSerializer
    permission_classes = [EditorsOnly]
    pagination_class = IdPagination

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        user = signed_in(self.request)
        return ApiToken.objects.filter(created_by=user) | ApiToken.objects.filter(user=user)

    @extend_schema(request=TokenCreateSerializer, responses={201: s.ApiTokenCreatedSerializer})
    def create(self, request: Request) -> Response:
        form = TokenCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        token, key = api_token_create(
            user=form.validated_data.get("user") or signed_in(request),
            name=form.validated_data["name"],
            scope=form.validated_data["scope"],
            created_by=signed_in(request),
        )
        body = s.ApiTokenCreatedSerializer(token).data
        body["key"] = key
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiToken) -> None:
        api_token_revoke(token=instance)


class WebhookViewSet(
    StrictApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Your subscriptions. The secret signs every delivery (header X-Counterclaim-Signature:
    `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`). It is shown once, in the answer to
    the POST that creates it or rotates it."""

    queryset = Webhook.objects.all()  # the model, for the schema; rows come from get_queryset
    serializer_class = s.WebhookSerializer
    permission_classes = [EditorsOnly]
    pagination_class = IdPagination

    def get_queryset(self) -> QuerySet[Webhook]:
        if getattr(self, "swagger_fake_view", False):
            return Webhook.objects.none()
        return Webhook.objects.filter(created_by=signed_in(self.request))

    @extend_schema(responses={201: s.WebhookCreatedSerializer})
    def create(self, request: Request) -> Response:
        form = s.WebhookSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        webhook = webhook_create(
            url=form.validated_data["url"],
            events=form.validated_data["events"],
            created_by=signed_in(request),
        )
        return Response(s.WebhookCreatedSerializer(webhook).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.WebhookCreatedSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str) -> Response:
        """A new secret, shown in this answer only; deliveries from now on are signed with it."""
        webhook = webhook_rotate_secret(webhook=get_object_or_404(self.get_queryset(), pk=pk))
        return Response(s.WebhookCreatedSerializer(webhook).data)

    @extend_schema(responses=s.WebhookDeliverySerializer(many=True))
    # Not paginated (the latest 100): without this the schema promised a paginated object.
    @action(detail=True, methods=["get"], pagination_class=None)
    def deliveries(self, request: Request, pk: str) -> Response:
        """The latest 100 deliveries of this subscription, newest first."""
        webhook = get_object_or_404(self.get_queryset(), pk=pk)
        rows = webhook.deliveries.all()[:100]
        return Response(s.WebhookDeliverySerializer(rows, many=True).data)

    @extend_schema(request=None, responses={202: s.WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def ping(self, request: Request, pk: str) -> Response:
        """Send a signed `ping` event to this subscription now; follow it in the log."""
        webhook = get_object_or_404(self.get_queryset(), pk=pk)
        delivery = webhook_ping(webhook=webhook)
        return Response(s.WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={
            202: s.WebhookDeliverySerializer,
            400: OpenApiResponse(description="Still pending."),
        },
    )
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>\d+)/redeliver")
    def redeliver(self, request: Request, pk: str, delivery_id: str) -> Response:
        """Send a delivery that succeeded or failed again, with the same event id."""
        webhook = get_object_or_404(self.get_queryset(), pk=pk)
        delivery = get_object_or_404(webhook.deliveries, pk=delivery_id)
        delivery = webhook_redeliver(delivery=delivery)  # still pending: a 400 (api/errors.py)
        return Response(s.WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
