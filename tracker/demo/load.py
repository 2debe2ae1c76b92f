"""The running example as data the project owns: the 23 September 2022 Armenia/Azerbaijan
border incident, both defence ministries' statements, their claims, the counterclaims between
them, and the RFE/RL report they are cited from. Loading twice changes nothing."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from tracker.demo.parties import demo_parties
from tracker.enums import (
    Aspect,
    Channel,
    CounterclaimRelation,
    EditorialState,
    IncidentType,
    ProposalState,
    SourceKind,
    TimePrecision,
)
from tracker.models import Claim, Conflict, Counterclaim, Incident, Outlet, Party, Source, Statement
from tracker.services.claims import claim_create, counterclaim_propose
from tracker.services.incidents import incident_create
from tracker.services.sources import citation_create, source_create
from tracker.services.statements import statement_create

ARTICLE_TEXT = (Path(__file__).parent / "rferl-2022-09-23.txt").read_text(encoding="utf-8")
# RFE/RL's search for the headline: the report's own address is not part of the text we hold.
ARTICLE_URL = (
    "https://www.rferl.org/s?k=Cease-Fire+Between+Armenia+Azerbaijan+Falters+As+Clashes+Break+Out"
)
INCIDENT_TITLE = "Armenia and Azerbaijan accuse each other of opening fire on the border"


@dataclass(frozen=True)
class Demo:
    conflict: Conflict
    incident: Incident
    source: Source
    statements: dict[str, Statement]  # side name → statement
    claims: dict[tuple[str, Aspect], Claim]  # (side name, aspect) → claim


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@transaction.atomic
def demo_load() -> Demo:
    conflict, _ = Conflict.objects.get_or_create(
        slug="armenia-azerbaijan",
        defaults={
            "name": "Armenia–Azerbaijan border conflict",
            "description": "Clashes on the Armenian–Azerbaijani border after the 2020 war over "
            "Nagorno-Karabakh. Russia and the CSTO act as third parties.",
        },
    )
    parties = demo_parties(conflict)
    rferl, _ = Outlet.objects.get_or_create(
        domain="rferl.org", defaults={"name": "Radio Free Europe/Radio Liberty", "language": "en"}
    )
    Outlet.objects.get_or_create(
        domain="reuters.com", defaults={"name": "Reuters", "language": "en"}
    )
    source = source_create(
        url=ARTICLE_URL,
        title="Cease-Fire Between Armenia, Azerbaijan Falters As Clashes Break Out Overnight",
        text=ARTICLE_TEXT,
        kind=SourceKind.NEWS_REPORT,
        author="RFE/RL, with reporting by Reuters",
        published_at=_utc(2022, 9, 23, 12, 0),
        language="en",
        outlet=rferl,
    )
    incident = Incident.objects.filter(conflict=conflict, title=INCIDENT_TITLE).first()
    if incident is None:
        incident = _load_incident(conflict, parties, source, rferl)
    statements = {
        side: incident.statements.get(party=party)
        for side, party in parties.items()
        if side in ("Armenia", "Azerbaijan")
    }
    claims = {
        (side, Aspect(claim.aspect)): claim
        for side, statement in statements.items()
        for claim in statement.claims.all()
    }
    return Demo(
        conflict=conflict, incident=incident, source=source, statements=statements, claims=claims
    )


def _load_incident(
    conflict: Conflict, parties: dict[str, Party], source: Source, rferl: Outlet
) -> Incident:
    sides = {side.name: side for side in conflict.sides.all()}
    incident = incident_create(
        conflict=conflict,
        title=INCIDENT_TITLE,
        incident_type=IncidentType.CEASEFIRE_VIOLATION,
        # From "around midnight" (Azerbaijan's account, UTC+4) to 07:40 local, 03:40 GMT
        # (Armenia's) and the end of Azerbaijan's "nine hours".
        occurred_start=_utc(2022, 9, 22, 20, 0),
        occurred_end=_utc(2022, 9, 23, 5, 0),
        time_precision=TimePrecision.APPROXIMATE,
        local_timezone="Asia/Yerevan",
        place="Armenian–Azerbaijani border",
        summary="Days after a Russia-brokered cease-fire ended fighting that killed more than "
        "200 soldiers, both defence ministries said the other side fired first overnight on "
        "23 September 2022.",
    )
    armenia = statement_create(
        incident=incident,
        party=parties["Armenia"],
        channel=Channel.FACEBOOK,
        language="en",
        reported_by=rferl,
        text="On September 23, at 0740 (0340 GMT), units of the Azerbaijani armed forces again "
        "violated the cease-fire regime by firing from different positions against Armenian "
        "combat positions located in the eastern area of the Armenian-Azerbaijani border. "
        "The enemy fire was silenced by retaliatory actions. One Armenian soldier was wounded.",
    )
    azerbaijan = statement_create(
        incident=incident,
        party=parties["Azerbaijan"],
        channel=Channel.WEBSITE,
        language="en",
        reported_by=rferl,
        text="Armenia's armed forces opened fire first on three different areas of the shared "
        "border, intermittently shelling positions of the Azerbaijani armed forces with "
        "mixed-caliber small arms for nine hours starting around midnight. Adequate retaliatory "
        "measures were taken.",
    )
    cite = {
        "am_initiator": "units of the Azerbaijani armed forces again violated the "
        "cease-fire regime",
        "am_timing": "On September 23, at 0740 (0340 GMT)",
        "am_location": "Armenian combat positions located in the eastern area of the "
        "Armenian-Azerbaijani border",
        "am_retaliation": "The enemy fire was silenced by retaliatory actions",
        "am_casualties": "The ministry said one Armenian soldier was wounded.",
        "az_initiator": "The Azerbaijani Defense Ministry issued a statement on September 23 "
        "blaming Armenia for opening fire first.",
        "az_timing": "for nine hours starting around midnight",
        "az_location": "opened fire on three different areas of the shared border",
        "az_means": "intermittently shelling positions of the Azerbaijani armed forces with "
        "mixed-caliber small arms",
        "az_retaliation": "adequate retaliatory measures",
    }
    claims: list[tuple[Statement, str, Aspect, str, dict[str, Any]]] = [
        (
            armenia,
            "am_initiator",
            Aspect.INITIATOR,
            "Azerbaijani units fired first, violating the cease-fire.",
            {"accused_side": sides["Azerbaijan"]},
        ),
        (
            armenia,
            "am_timing",
            Aspect.TIMING,
            "Fire was opened at 07:40 local time (03:40 GMT) on 23 September.",
            {"time_start": _utc(2022, 9, 23, 3, 40), "time_precision": TimePrecision.EXACT},
        ),
        (
            armenia,
            "am_location",
            Aspect.LOCATION,
            "Armenian positions in the eastern area of "
            "the border were targeted from several positions.",
            {"place": "Eastern area of the Armenian–Azerbaijani border"},
        ),
        (
            armenia,
            "am_casualties",
            Aspect.CASUALTIES,
            "One Armenian soldier was wounded.",
            {"wounded_min": 1, "wounded_max": 1, "casualty_side": sides["Armenia"]},
        ),
        (
            armenia,
            "am_retaliation",
            Aspect.RETALIATION,
            "Armenian retaliation silenced the fire.",
            {},
        ),
        (
            azerbaijan,
            "az_initiator",
            Aspect.INITIATOR,
            "Armenian forces opened fire first.",
            {"accused_side": sides["Armenia"]},
        ),
        (
            azerbaijan,
            "az_timing",
            Aspect.TIMING,
            "Intermittent fire for nine hours from around midnight local time.",
            {
                "time_start": _utc(2022, 9, 22, 20, 0),
                "time_end": _utc(2022, 9, 23, 5, 0),
                "time_precision": TimePrecision.APPROXIMATE,
            },
        ),
        (
            azerbaijan,
            "az_location",
            Aspect.LOCATION,
            "Three different areas of the shared border came under fire.",
            {"place": "Three areas of the Armenian–Azerbaijani border"},
        ),
        (azerbaijan, "az_means", Aspect.MEANS, "Mixed-caliber small arms.", {}),
        (
            azerbaijan,
            "az_retaliation",
            Aspect.RETALIATION,
            "Azerbaijani forces took adequate retaliatory measures.",
            {},
        ),
    ]
    made: dict[str, Claim] = {}
    for statement, key, aspect, text, values in claims:
        made[key] = claim_create(statement=statement, aspect=aspect, text=text, **values)
        citation_create(source=source, excerpt=cite[key], claim=made[key])
    for statement in (armenia, azerbaijan):
        citation_create(
            source=source,
            excerpt=cite["am_timing" if statement is armenia else "az_initiator"],
            statement=statement,
        )
    pairs: list[tuple[str, CounterclaimRelation, ProposalState, str]] = [
        (
            "initiator",
            CounterclaimRelation.CONTRADICTS,
            ProposalState.CONFIRMED,
            "Each ministry says the other side fired first.",
        ),
        (
            "timing",
            CounterclaimRelation.CONTRADICTS,
            ProposalState.CONFIRMED,
            "Armenia puts the first shots at 07:40; Azerbaijan says firing began around midnight, "
            "almost eight hours earlier.",
        ),
        (
            "location",
            CounterclaimRelation.QUALIFIES,
            ProposalState.PROPOSED,
            "Armenia names the eastern area of the border; Azerbaijan speaks of three areas "
            "without naming them. Not incompatible.",
        ),
        (
            "retaliation",
            CounterclaimRelation.CORROBORATES,
            ProposalState.CONFIRMED,
            "Both ministries say their own forces returned fire: an exchange of fire is not in "
            "dispute.",
        ),
    ]
    for topic, relation, state, reason in pairs:
        counterclaim = counterclaim_propose(
            first=made[f"am_{topic}"],
            second=made[f"az_{topic}"],
            relation=relation,
            reason=reason,
        )
        if state != counterclaim.state:
            Counterclaim.objects.filter(pk=counterclaim.pk).update(state=state)
    Incident.objects.filter(pk=incident.pk).update(state=EditorialState.PUBLISHED)
    incident.refresh_from_db()
    return incident
