from datetime import date

import pytest

from graphtool.normalise.fx import to_usd, usd_per_unit


def test_us_dollars_are_unchanged():
    assert to_usd(123.0, "USD", date(2024, 5, 1)) == 123.0


def test_yuan_convert_at_the_annual_average_of_the_declaration_year():
    assert to_usd(1000, "CNY", date(2024, 5, 1)) == pytest.approx(1000 * usd_per_unit("CNY", 2024))
    assert 130 < to_usd(1000, "CNY", date(2024, 5, 1)) < 150


def test_every_tabled_currency_has_a_plausible_rate_for_every_year():
    for currency in ["CNY", "EUR", "HKD", "JPY", "GBP", "THB", "MXN", "KRW", "SGD", "MYR", "AED", "TWD",
                     "VND", "INR", "RUB"]:  # fmt: skip
        for year in range(2022, 2027):
            assert 0 < usd_per_unit(currency, year) < 2


def test_years_outside_the_table_use_the_nearest_year():
    assert usd_per_unit("EUR", 2019) == usd_per_unit("EUR", 2022)
    assert usd_per_unit("EUR", 2030) == usd_per_unit("EUR", 2026)


def test_unknown_currency_is_named():
    with pytest.raises(ValueError, match="'XOF'"):
        to_usd(1, "XOF", date(2024, 1, 1))
