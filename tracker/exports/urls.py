"""Feeds and exports, mounted at /feeds/ with the namespace "feeds"."""

from django.urls import path

from tracker.exports import feeds, geojson, tables

app_name = "feeds"

urlpatterns = [
    path("incidents.atom", feeds.atom, name="incidents-atom"),
    path("incidents.json", feeds.json_feed, name="incidents-json"),
    path("conflicts/<slug:key>.atom", feeds.atom, {"kind": "conflict"}, name="conflict-atom"),
    path("conflicts/<slug:key>.json", feeds.json_feed, {"kind": "conflict"}, name="conflict-json"),
    path("parties/<int:key>.atom", feeds.atom, {"kind": "party"}, name="party-atom"),
    path("parties/<int:key>.json", feeds.json_feed, {"kind": "party"}, name="party-json"),
    path("incidents.geojson", geojson.incidents_geojson, name="incidents-geojson"),
    path("incidents.csv", tables.incidents_csv, name="incidents-csv"),
    path("claims.csv", tables.claims_csv, name="claims-csv"),
    path("citations.csv", tables.citations_csv, name="citations-csv"),
]
