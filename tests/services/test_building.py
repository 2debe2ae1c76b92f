"""The building services called directly: times as reported become UTC (clock changes
included), a refused part writes nothing, a source is gathered once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tracker.enums import IncidentType
from tracker.models import Incident, IncidentSource
from tracker.services.common import utc_from_local
from tracker.services.incidents import incident_create_reported
from tracker.services.sources import incident_source_add

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("local", "zone", "utc"),
    [
        (datetime(2022, 9, 13, 0, 5), "Asia/Yerevan", datetime(2022, 9, 12, 20, 5, tzinfo=UTC)),
        (datetime(2022, 9, 13, 0, 5), "", datetime(2022, 9, 13, 0, 5, tzinfo=UTC)),
        # Kyiv's clocks went back at 04:00 on 30 Oct 2022: 04:30 is after the repeated hour.
        (datetime(2022, 10, 30, 4, 30), "Europe/Kyiv", datetime(2022, 10, 30, 2, 30, tzinfo=UTC)),
    ],
)
def test_local_time_in_its_zone_is_kept_in_utc(local, zone, utc):
    assert utc_from_local(local=local, zone=zone, field="local_timezone") == utc


@pytest.mark.parametrize(
    ("local", "message"),
    [
        (
            datetime(2022, 3, 27, 3, 30),
            "03:30 on 27 Mar 2022 did not exist in Europe/Kyiv: the clocks went forward then. "
            "Give a time before or after the change.",
        ),
        (
            datetime(2022, 10, 30, 3, 30),
            "03:30 on 30 Oct 2022 happened twice in Europe/Kyiv: the clocks went back then, so "
            "it was 00:30 or 01:30 UTC. Give a time outside the repeated hour.",
        ),
    ],
)
def test_a_time_a_clock_change_skipped_or_repeated_is_refused_in_words(local, message):
    with pytest.raises(ValidationError) as refused:
        utc_from_local(local=local, zone="Europe/Kyiv", field="time_start")
    assert refused.value.message_dict == {"time_start": [message]}


def test_unknown_zone_is_refused_on_its_field():
    with pytest.raises(ValidationError) as refused:
        utc_from_local(local=datetime(2022, 9, 13), zone="Mars/Olympus", field="issued_timezone")
    assert refused.value.message_dict == {
        "issued_timezone": ["Mars/Olympus is not an IANA time zone (e.g. Asia/Yerevan)."]
    }


def test_incident_from_a_report_gathers_it_once_and_a_refusal_writes_nothing(belligerents):
    source = factories.source()
    incident = incident_create_reported(
        conflict=belligerents.conflict,
        title="Shelling",
        incident_type=IncidentType.SHELLING,
        local_start=datetime(2022, 9, 13, 0, 5),
        local_timezone="Asia/Baku",
        source=source,
    )
    assert incident.occurred_start == datetime(2022, 9, 12, 20, 5, tzinfo=UTC)
    incident_source_add(incident=incident, source=source)
    assert IncidentSource.objects.filter(incident=incident, source=source).count() == 1
    with pytest.raises(ValidationError):
        incident_create_reported(
            conflict=belligerents.conflict,
            title="Shelling again",
            incident_type=IncidentType.SHELLING,
            local_start=datetime(2022, 9, 13, 0, 5),
            local_end=datetime(2022, 9, 12, 0, 5),
            local_timezone="Asia/Baku",
            source=source,
        )
    assert Incident.objects.count() == 1
    assert IncidentSource.objects.count() == 1
