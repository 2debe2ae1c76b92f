"""Serializers: the read ones describe the JSON the selectors build (and the OpenAPI schema);
the write ones validate input before a service writes it."""

from typing import Any

from rest_framework import serializers

from tracker.api.base import HttpUrlField, StrictJsonMixin
from tracker.enums import (
    Aspect,
    Channel,
    CounterclaimRelation,
    DisputeStatus,
    EditorialState,
    IncidentType,
    ProposalState,
    SourceKind,
    TimePrecision,
    TokenScope,
    TranslationKind,
    Verdict,
    WebhookEvent,
)
from tracker.models import (
    CLAIM_VALUE_FIELDS,
    ApiToken,
    Citation,
    Claim,
    Conflict,
    Counterclaim,
    Outlet,
    Party,
    Side,
    Source,
    Statement,
    Webhook,
    WebhookDelivery,
)

TOMBSTONE_REASONS = ["deleted", "retracted", "unpublished", "merged", "not_matching"]


class CitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    # A field named like Field.source: the serializer's metaclass takes it off the class.
    source = serializers.IntegerField(help_text="Source id (see /sources/).")  # type: ignore[assignment]
    source_url = serializers.URLField()
    source_title = serializers.CharField()
    excerpt = serializers.CharField(help_text="Exactly the source's text at the offsets.")
    start_offset = serializers.IntegerField(help_text="In Unicode code points.")
    end_offset = serializers.IntegerField()


class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    aspect = serializers.ChoiceField(choices=Aspect.choices)
    text = serializers.CharField()
    accused_side = serializers.IntegerField(allow_null=True, help_text="Initiator claims: who.")
    killed_min = serializers.IntegerField(allow_null=True)
    killed_max = serializers.IntegerField(allow_null=True)
    wounded_min = serializers.IntegerField(allow_null=True)
    wounded_max = serializers.IntegerField(allow_null=True)
    casualty_side = serializers.IntegerField(allow_null=True, help_text="Whose casualties.")
    time_start = serializers.DateTimeField(allow_null=True)
    time_end = serializers.DateTimeField(allow_null=True)
    time_precision = serializers.ChoiceField(choices=[*TimePrecision.choices, ("", "")])
    place = serializers.CharField(allow_blank=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    verdict_note = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(help_text="Send it back when editing (409 if stale).")
    updated_at = serializers.DateTimeField()
    citations = CitationSerializer(many=True)


class StatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    party = serializers.IntegerField()
    side = serializers.IntegerField(allow_null=True, help_text="The party's side in the conflict.")
    issued_at = serializers.DateTimeField(allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    original_url = serializers.CharField(allow_blank=True)
    text = serializers.CharField(help_text="Verbatim, in the original language.")
    language = serializers.CharField(allow_blank=True)
    translation = serializers.CharField(allow_blank=True)
    translation_kind = serializers.ChoiceField(choices=[*TranslationKind.choices, ("", "")])
    reported_by = serializers.IntegerField(allow_null=True, help_text="Outlet id.")
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    citations = CitationSerializer(many=True)
    claims = ClaimSerializer(many=True)


class CounterclaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim_a = serializers.IntegerField()
    claim_b = serializers.IntegerField()
    relation = serializers.ChoiceField(choices=CounterclaimRelation.choices)
    state = serializers.ChoiceField(
        choices=ProposalState.choices, help_text="Proposed by the system or confirmed by an editor."
    )
    reason = serializers.CharField(allow_blank=True)


class IncidentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    conflict = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    incident_type = serializers.ChoiceField(choices=IncidentType.choices)
    occurred_start = serializers.DateTimeField()
    occurred_end = serializers.DateTimeField(allow_null=True)
    time_precision = serializers.ChoiceField(choices=TimePrecision.choices)
    local_timezone = serializers.CharField(allow_blank=True)
    place = serializers.CharField(allow_blank=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    state = serializers.ChoiceField(choices=EditorialState.choices)
    merged_into = serializers.IntegerField(allow_null=True)
    dispute_status = serializers.ChoiceField(choices=DisputeStatus.choices)
    version = serializers.IntegerField(help_text="Send it back when editing (409 if stale).")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(help_text="The incident row itself.")
    changed_at = serializers.DateTimeField(
        help_text="Anything nested changed (the sync and cursor order)."
    )
    statements = StatementSerializer(many=True)
    counterclaims = CounterclaimSerializer(
        many=True, help_text="Every pair nobody dismissed, by claim id."
    )


class TombstoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deleted = serializers.BooleanField(help_text="Always true: drop your copy.")
    reason = serializers.ChoiceField(choices=TOMBSTONE_REASONS)
    merged_into = serializers.IntegerField(allow_null=True, help_text="Where a merge took it.")
    changed_at = serializers.DateTimeField()


class FlatClaimSerializer(serializers.ModelSerializer):
    incident = serializers.IntegerField(source="statement.incident_id")
    party = serializers.IntegerField(source="statement.party_id")
    side = serializers.IntegerField(allow_null=True)
    citation_count = serializers.IntegerField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "incident",
            "statement",
            "party",
            "side",
            *CLAIM_VALUE_FIELDS,
            "verdict",
            "verdict_note",
            "citation_count",
            "version",
            "updated_at",
        ]


class FlatStatementSerializer(serializers.ModelSerializer):
    side = serializers.IntegerField(allow_null=True)
    claim_count = serializers.IntegerField()

    class Meta:
        model = Statement
        fields = [
            "id",
            "incident",
            "party",
            "side",
            "issued_at",
            "channel",
            "original_url",
            "text",
            "language",
            "translation",
            "translation_kind",
            "reported_by",
            "claim_count",
            "version",
            "updated_at",
        ]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        # No extracted text or snapshot: those are the publisher's copyright.
        fields = [
            "id",
            "url",
            "outlet",
            "kind",
            "title",
            "author",
            "published_at",
            "language",
            "content_hash",
            "retrieved_at",
            "updated_at",
        ]


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain", "country_code", "language"]


class SideSerializer(serializers.ModelSerializer):
    class Meta:
        model = Side
        fields = ["id", "name", "role", "country_code"]


class ConflictSerializer(serializers.ModelSerializer):
    sides = SideSerializer(many=True, read_only=True)

    class Meta:
        model = Conflict
        fields = ["id", "name", "slug", "description", "sides", "updated_at"]


class PartySerializer(serializers.ModelSerializer):
    aliases: serializers.SlugRelatedField = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="text"
    )
    sides: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Party
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "country_code",
            "sides",
            "aliases",
            "updated_at",
        ]


# --- writes ---------------------------------------------------------------------------------


class IncidentCreateSerializer(StrictJsonMixin, serializers.Serializer):
    conflict = serializers.PrimaryKeyRelatedField(queryset=Conflict.objects.all())
    title = serializers.CharField(max_length=300)
    incident_type = serializers.ChoiceField(choices=IncidentType.choices)
    occurred_start = serializers.DateTimeField()
    occurred_end = serializers.DateTimeField(required=False, allow_null=True)
    time_precision = serializers.ChoiceField(choices=TimePrecision.choices, required=False)
    local_timezone = serializers.CharField(required=False, allow_blank=True, max_length=64)
    place = serializers.CharField(required=False, allow_blank=True, max_length=300)
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(
        required=False, allow_null=True, min_value=-180, max_value=180
    )
    summary = serializers.CharField(required=False, allow_blank=True)


class IncidentUpdateSerializer(IncidentCreateSerializer):
    conflict = None  # type: ignore[assignment]  # an incident does not change conflict
    version = serializers.IntegerField(help_text="The version you edited; 409 if stale.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = name == "version"


class TransitionSerializer(StrictJsonMixin, serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you acted on; 409 if stale."
    )


class RetractSerializer(TransitionSerializer):
    note = serializers.CharField(help_text="Why: readers are told.")


class MergeSerializer(StrictJsonMixin, serializers.Serializer):
    target = serializers.IntegerField(help_text="The incident that absorbs this one.")
    note = serializers.CharField(required=False, allow_blank=True)


class ClaimUpdateSerializer(StrictJsonMixin, serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you edited; 409 if stale.")
    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False)
    verdict_note = serializers.CharField(required=False, allow_blank=True)
    text = serializers.CharField(required=False)


class ApiTokenSerializer(StrictJsonMixin, serializers.ModelSerializer):
    user: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    scope = serializers.ChoiceField(choices=TokenScope.choices, default=TokenScope.READ)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scope",
            "user",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]


class WebhookSerializer(StrictJsonMixin, serializers.ModelSerializer):
    url = HttpUrlField()
    events = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[(e.value, e.label) for e in WebhookEvent if e != WebhookEvent.PING]
        ),
        min_length=1,
    )

    class Meta:
        model = Webhook
        fields = ["id", "url", "events", "is_active", "created_at"]
        read_only_fields = ["created_at"]


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="Verify X-Counterclaim-Signature with it. Shown once."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook",
            "event",
            "event_id",
            "payload",
            "status",
            "attempts",
            "response_status",
            "error",
            "created_at",
            "last_attempt_at",
            "delivered_at",
        ]


class StatementCreateSerializer(StrictJsonMixin, serializers.ModelSerializer):
    """Validates only: tracker.services.statements.statement_create writes."""

    original_url = HttpUrlField(required=False, help_text="Where the party published it.")

    class Meta:
        model = Statement
        fields = [
            "incident",
            "party",
            "text",
            "issued_at",
            "channel",
            "original_url",
            "language",
            "translation",
            "translation_kind",
            "reported_by",
        ]


class ClaimCreateSerializer(StrictJsonMixin, serializers.ModelSerializer):
    """Validates only: tracker.services.claims.claim_create writes."""

    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(
        required=False, allow_null=True, min_value=-180, max_value=180
    )

    class Meta:
        model = Claim
        fields = ["statement", *CLAIM_VALUE_FIELDS]


class FlatCounterclaimSerializer(serializers.ModelSerializer):
    incident = serializers.IntegerField(source="claim_a.statement.incident_id", read_only=True)

    class Meta:
        model = Counterclaim
        fields = [
            "id",
            "incident",
            "claim_a",
            "claim_b",
            "relation",
            "state",
            "reason",
            "decided_at",
            "updated_at",
        ]


class CounterclaimDecisionSerializer(StrictJsonMixin, serializers.Serializer):
    relation = serializers.ChoiceField(
        choices=CounterclaimRelation.choices,
        required=False,
        help_text="Correct the proposed relation while deciding.",
    )


class SourceCreateSerializer(StrictJsonMixin, serializers.Serializer):
    url = HttpUrlField()
    text = serializers.CharField(
        required=False,
        help_text="The document's text, if you have it. Without it the page at `url` is "
        "fetched, its main text extracted and the page archived, as ingest does.",
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    kind = serializers.ChoiceField(choices=SourceKind.choices, required=False)
    author = serializers.CharField(required=False, allow_blank=True, max_length=500)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True, max_length=16)


class CitationReadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Citation
        fields = [
            "id",
            "source",
            "claim",
            "statement",
            "excerpt",
            "start_offset",
            "end_offset",
            "updated_at",
        ]


class CitationCreateSerializer(StrictJsonMixin, serializers.Serializer):
    # A field named like Field.source: the serializer's metaclass takes it off the class.
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())  # type: ignore[assignment]
    claim = serializers.PrimaryKeyRelatedField(
        queryset=Claim.objects.all(), required=False, help_text="Cite for a claim, or ..."
    )
    statement = serializers.PrimaryKeyRelatedField(
        queryset=Statement.objects.all(), required=False, help_text="... for a statement."
    )
    excerpt = serializers.CharField(trim_whitespace=False, help_text="Exactly the source's text.")
    start_offset = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="Where the excerpt starts in the source's text (code points); its first "
        "occurrence when left out.",
    )
    end_offset = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="If given, must be start_offset plus the excerpt's length (422 otherwise).",
    )
