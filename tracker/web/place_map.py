"""The map a place is picked on: the incident list's server-drawn SVG map (tracker.maps),
framed on the conflict's countries, with the linear projection it was drawn with so the page's
script can turn a click into latitude and longitude."""

from dataclasses import dataclass

from tracker.maps import Marker, SvgMap, countries, incident_map


@dataclass(frozen=True)
class PickerMap:
    svg: SvgMap
    # x = (lon - west) * x_per_degree; y = (north - lat) * y_per_degree
    west: float
    north: float
    x_per_degree: float
    y_per_degree: float


def place_picker_map(focus: set[str]) -> PickerMap:
    """A map of the FOCUS countries (ISO codes; the world when none is known). The frame is
    set by two corner points whose drawn positions give back the projection."""
    boxes = [country["bounds"] for country in countries() if country["iso"] in focus]
    west, south, east, north = (
        (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        if boxes
        else (-170.0, -55.0, 170.0, 75.0)
    )
    corners = [
        Marker(incident_id=0, title="", latitude=lat, longitude=lon, url="", disputed=False)
        for lon, lat in ((west, south), (east, north))
    ]
    svg = incident_map(corners)
    (_, x1, y1), (_, x2, y2) = svg.markers
    x_per_degree = (x2 - x1) / (east - west)
    y_per_degree = (y1 - y2) / (north - south)
    return PickerMap(
        svg=SvgMap(
            width=svg.width,
            height=svg.height,
            country_paths=svg.country_paths,
            labels=svg.labels,
            markers=[],
        ),
        west=west - x1 / x_per_degree,
        north=north + y2 / y_per_degree,
        x_per_degree=x_per_degree,
        y_per_degree=y_per_degree,
    )
