from datetime import date

import pytest
import yaml

from graphtool.controls import (
    KINDS,
    ReferenceDataError,
    control_rules,
    parse_price_bands,
    parse_rules,
    price_bands,
)

ANTIMONY_INGOT = "8110101000"
GALLIUM_METAL = "8112929010"
GERMANIUM_DIOXIDE = "2825600002"


def applicable_id(code: str, on: date, destination: str | None) -> str | None:
    rule = control_rules().applicable(code, on, destination)
    return rule and rule.id


def rule_by_id(rule_id: str):
    return next(rule for rule in control_rules().rules if rule.id == rule_id)


# --- the shipped rules ---------------------------------------------------------------------------


def test_an_antimony_ingot_is_controlled_from_2024_09_15():
    assert applicable_id(ANTIMONY_INGOT, date(2024, 9, 14), "TH") is None
    assert applicable_id(ANTIMONY_INGOT, date(2024, 9, 15), "TH") == "2024-33-antimony"


def test_gallium_and_germanium_are_controlled_from_2023_08_01():
    assert applicable_id(GALLIUM_METAL, date(2023, 7, 31), "DE") is None
    assert applicable_id(GALLIUM_METAL, date(2023, 8, 1), "DE") == "2023-23-gallium"
    assert applicable_id(GERMANIUM_DIOXIDE, date(2023, 8, 1), "BE") == "2023-23-germanium"


def test_reference_codes_match_as_prefixes():
    assert applicable_id("3818009001", date(2024, 1, 1), "JP") == "2023-23-gallium"  # wafers 381800900x


def test_a_non_controlled_sibling_line_is_not_matched():
    assert control_rules().rules_for_code("8110109000") == []


def test_clause_2_of_no_46_bans_antimony_to_the_us():
    assert applicable_id(ANTIMONY_INGOT, date(2024, 12, 3), "US") == "2024-46-c2-antimony-us"


def test_clause_2_of_no_46_does_not_apply_to_thailand():
    assert applicable_id(ANTIMONY_INGOT, date(2025, 1, 10), "TH") == "2024-33-antimony"


def test_clause_2_of_no_46_does_not_apply_to_the_us_during_its_suspension():
    assert applicable_id(ANTIMONY_INGOT, date(2025, 11, 8), "US") == "2024-46-c2-antimony-us"
    assert applicable_id(ANTIMONY_INGOT, date(2025, 11, 9), "US") == "2024-33-antimony"
    assert applicable_id(ANTIMONY_INGOT, date(2026, 11, 27), "US") == "2024-33-antimony"
    assert applicable_id(ANTIMONY_INGOT, date(2026, 11, 28), "US") == "2024-46-c2-antimony-us"


def test_a_us_only_rule_does_not_apply_when_the_destination_is_unknown():
    assert applicable_id(ANTIMONY_INGOT, date(2025, 1, 10), None) == "2024-33-antimony"


def test_graphite_to_the_us_stays_a_licence_case_with_an_extra_review_rule():
    rules = control_rules()
    in_force = [r.id for r in rules.rules_for_code("2504101000") if r.in_force(date(2025, 1, 1), "US")]
    assert in_force == ["2023-39-graphite-flake", "2024-46-c2-graphite-us"]
    assert applicable_id("2504101000", date(2025, 1, 1), "US") == "2023-39-graphite-flake"


def test_tungsten_is_controlled_from_2025_02_04():
    apt = "2841801000"
    assert applicable_id(apt, date(2025, 2, 3), "NL") is None
    assert applicable_id(apt, date(2025, 2, 4), "NL") == "2025-10-tungsten"


def test_state_trading_for_tungsten_applies_in_2026_and_2027_only():
    rule = rule_by_id("2025-68-state-trading-tungsten")
    assert rule.matches_code("2841801000")
    assert not rule.in_force(date(2025, 12, 31), "NL")
    assert rule.in_force(date(2026, 1, 1), "NL")
    assert rule.in_force(date(2027, 12, 31), "NL")
    assert not rule.in_force(date(2028, 1, 1), "NL")


def test_rare_earth_rules_require_the_remarks_statement():
    rule = control_rules().applicable("2805301200", date(2025, 4, 4), "JP")
    assert rule is not None
    assert rule.remarks_statement_required
    assert control_rules().applicable("2805301200", date(2025, 4, 3), "JP") is None


def test_the_october_2025_announcements_never_came_into_force_before_their_suspension():
    october = [
        r for r in control_rules().rules if r.announcement.endswith(("No. 55", "No. 56", "No. 57", "No. 58"))
    ]
    assert len(october) == 4
    assert not any(r.in_force(date(2025, 11, 8), None) for r in october)
    assert all(r.in_force(date(2026, 11, 11), None) for r in october)


def test_rules_without_printed_codes_match_nothing():
    assert rule_by_id("2025-10-bismuth").reference_codes == ()


def test_every_rule_good_has_price_bands():
    goods = price_bands().goods
    assert all(rule.good is None or rule.good in goods for rule in control_rules().rules)


def test_rules_for_code_keep_file_order_and_applicable_ranks_bans_first():
    assert KINDS[0] == "ban"
    assert [r.kind for r in control_rules().rules_for_code(ANTIMONY_INGOT)] == [
        "licence",
        "ban",
        "state_trading",
    ]


# --- price bands -------------------------------------------------------------------------------


def test_the_antimony_band_follows_the_price_rise():
    bands = price_bands()
    assert bands.band("antimony", date(2024, 6, 1)).abroad_high == 19.5
    assert bands.band("antimony", date(2025, 1, 1)).abroad_low == 39.5
    assert bands.band("antimony", date(2025, 7, 1)).abroad_low == 57
    assert bands.band("antimony", date(2024, 4, 30)) is None


def test_every_band_carries_a_source():
    for good in price_bands().goods.values():
        assert all(band.source and band.currency == "USD" and band.unit == "kg" for band in good.bands)


@pytest.mark.parametrize(
    ("code", "good"),
    [
        ("7901120000", "zinc"),
        ("7801100000", "lead"),
        ("7601100000", "aluminium"),
        ("8001100000", "tin"),
        ("7202999000", "ferro_alloy"),  # longer prefix than steel's 72
        ("7208100000", "steel"),
        ("7504001000", "nickel_powder"),
        ("6902100000", "ceramics"),
        ("3810100000", "solder"),
        ("8110101000", None),
    ],
)
def test_a_declared_code_maps_to_its_cover_good(code, good):
    assert price_bands().good_for_code(code) == good


def test_asking_for_an_unknown_good_is_an_error():
    with pytest.raises(ValueError, match="unknown good 'unobtainium'"):
        price_bands().band("unobtainium", date(2025, 1, 1))


# --- validation of edited files ------------------------------------------------------------------

RULE = """
rules:
  - id: test-rule
    announcement: test
    kind: licence
    items: {en: test, zh: 测试}
    good: null
    reference_codes: ["8110101000"]
    effective_from: 2024-09-15
    suspensions: []
    destination_scope: all
    licence_required: true
    source: test
"""


def parse(text: str):
    return parse_rules(yaml.safe_load(text), goods={"antimony"})


def test_a_valid_minimal_rule_loads():
    assert parse(RULE).rules[0].id == "test-rule"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("source: test", "source: test\n    colour: red", r"unknown keys \['colour'\]"),
        (
            "effective_from: 2024-09-15",
            "effective_from: 15/09/2024",
            "effective_from '15/09/2024' is not a date",
        ),
        ("kind: licence", "kind: maybe", "kind 'maybe'"),
        ("good: null", "good: gold", "good 'gold'"),
        ('["8110101000"]', '["8110"]', "code '8110' must be 6 to 10 digits"),
        ('["8110101000"]', "[8110101000]", "must be quoted"),
        ('["8110101000"]', '["7701000000"]', "chapter 77 does not exist"),
        ("destination_scope: all", "destination_scope: [XX]", "destination_scope"),
        (
            "suspensions: []",
            "suspensions: [{from: 2025-01-02, to: 2025-01-01, announcement: x}]",
            "suspension ends",
        ),
    ],
)
def test_an_invalid_rule_is_reported_with_file_and_rule_id(old, new, message):
    with pytest.raises(ReferenceDataError, match=f"^controls.yaml, rule test-rule: .*{message}"):
        parse(RULE.replace(old, new))


def test_duplicate_rule_ids_are_refused():
    text = RULE + RULE.split("rules:")[1]
    with pytest.raises(ReferenceDataError, match="rule 'test-rule' appears twice"):
        parse(text)


def test_destination_scope_except():
    rule = parse(RULE.replace("destination_scope: all", "destination_scope: {except: [HK]}")).rules[0]
    assert rule.in_force(date(2025, 1, 1), "US")
    assert not rule.in_force(date(2025, 1, 1), "HK")
    assert rule.in_force(date(2025, 1, 1), None)


BANDS = """
goods:
  zinc:
    name: {en: zinc, zh: 锌}
    hs_prefixes: ["7901"]
    bands:
      - {china_low: 2.4, china_high: 3.6, abroad_low: 2.4, abroad_high: 3.6, currency: USD, unit: kg,
         valid_from: 2024-01-01, valid_to: null, source: test}
"""


def test_overlapping_bands_are_refused():
    second = (
        "      - {china_low: 2, china_high: 3, abroad_low: null, abroad_high: null,\n"
        "         currency: USD, unit: kg, valid_from: 2025-01-01, valid_to: null, source: test}\n"
    )
    with pytest.raises(
        ReferenceDataError, match=r"price_bands\.yaml, good zinc: bands from 2024-01-01 and 2025-01-01"
    ):
        parse_price_bands(yaml.safe_load(BANDS + second))


def test_a_band_in_another_currency_is_refused():
    with pytest.raises(ReferenceDataError, match="good zinc, band #1: bands must be in USD per kg"):
        parse_price_bands(yaml.safe_load(BANDS.replace("currency: USD", "currency: EUR")))


def test_a_band_with_low_above_high_is_refused():
    with pytest.raises(ReferenceDataError, match="china band must be numbers"):
        parse_price_bands(yaml.safe_load(BANDS.replace("china_low: 2.4", "china_low: 9")))


def test_the_column_check_agrees_with_the_value_check_on_every_rule():
    import datetime as dt

    import pyarrow as pa

    from graphtool.controls import control_rules

    days = [dt.date(2023, 1, 1) + dt.timedelta(days=d) for d in range(0, 1500, 7)]
    for destination in ["US", "TH", None]:
        on = pa.array(days, pa.date32())
        dest = pa.array([destination] * len(days), pa.string())
        for rule in control_rules().rules:
            expected = [rule.in_force(d, destination) for d in days]
            assert rule.in_force_array(on, dest).to_pylist() == expected, rule.id
