"""The Flows page's map: routes drawn between countries from the app's own outline data, offline."""

from __future__ import annotations

from itertools import pairwise

from graphtool.app.world_map import route_map, world


def test_every_country_trade_passes_through_has_a_place_on_the_map():
    places = world()
    for hub in ("CN", "HK", "SG", "MO", "AE", "MY", "TR", "KZ", "VG", "RU", "US", "DE"):
        assert hub in places, hub
    lon, lat = places["RU"]["label"]  # a country across the antimeridian is labelled on its mainland
    assert 30 < lon < 180 and 45 < lat < 75
    assert all(
        abs(a[0] - b[0]) <= 180 for c in places.values() for line in c["lines"] for a, b in pairwise(line)
    )


def test_routes_become_arrows_whose_width_follows_the_weight_and_unknown_places_are_named():
    figure, missing = route_map(
        [("CN", "HK", 1000.0), ("HK", "US", 250.0), ("HK", "?", 10.0), ("CN", "ZZ", 5.0)]
    )
    arrows = {(a.ax, a.ay, a.x, a.y): a.arrowwidth for a in figure.layout.annotations}
    cn, hk, us = (tuple(world()[c]["label"]) for c in ("CN", "HK", "US"))
    assert set(arrows) == {(*cn, *hk), (*hk, *us)}
    assert arrows[(*cn, *hk)] > arrows[(*hk, *us)]
    assert missing == ["?", "ZZ"]
    hover = [text for trace in figure.data if trace.hoverinfo == "text" for text in trace.text or ()]
    assert "CN → HK: 1,000 kg" in hover and "HK" in hover


def test_the_map_needs_nothing_from_outside_the_app():
    figure, _ = route_map([("CN", "SG", 1.0)])
    as_json = figure.to_json()
    assert "http" not in as_json  # no map server, tiles or topojson: outlines travel with the figure
    assert not any(trace.type.endswith(("geo", "mapbox", "map")) for trace in figure.data)
