import pytest

from graphtool.normalise.numbers import parse_int, parse_number, parse_percent, to_kg


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", 1234.56),
        ("１２３４．５", 1234.5),
        ("1 234 567", 1234567.0),
        ("$1,000", 1000.0),
        ("US$ 12.5", 12.5),
        ("¥3000", 3000.0),
        ("￥3000", 3000.0),
        ("USD 12", 12.0),
        ("-12", -12.0),
        ("1.2E+05", 120000.0),
    ],
)
def test_numbers_as_written_in_trade_files(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["12,5", "1.234,56", "abc", "nan", "inf", "USD"])
def test_ambiguous_or_non_numbers_are_rejected(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_a_percentage_is_not_a_plain_number():
    with pytest.raises(ValueError, match="percentage '25%'"):
        parse_number("25%")


def test_whole_numbers_written_as_decimals_are_accepted():
    assert parse_int("12.0") == 12
    assert parse_int("1,000") == 1000
    assert parse_int("12345678901234567890") == 12345678901234567890


def test_fractional_numbers_are_not_integers():
    with pytest.raises(ValueError, match=r"'12\.5' is not a whole number"):
        parse_int("12.5")


@pytest.mark.parametrize(
    ("text", "expected"), [("25", 25.0), ("25%", 25.0), ("25.5 %", 25.5), ("0.25", 0.25)]
)
def test_a_bare_number_is_a_percentage(text, expected):
    assert parse_percent(text) == expected


@pytest.mark.parametrize("text", ["101", "-1"])
def test_percentages_outside_0_to_100_are_rejected(text):
    with pytest.raises(ValueError, match="outside 0-100"):
        parse_percent(text)


@pytest.mark.parametrize(
    ("unit", "kg"),
    [
        ("kg", 2.0),
        ("KGS", 2.0),
        ("千克", 2.0),
        ("公斤", 2.0),
        ("g", 0.002),
        ("克", 0.002),
        ("t", 2000.0),
        ("吨", 2000.0),
        ("MT", 2000.0),
        ("TNE", 2000.0),
        ("lb", 0.90718474),
        ("LBS", 0.90718474),
    ],
)
def test_weights_convert_to_kg(unit, kg):
    assert to_kg(2, unit) == pytest.approx(kg)


def test_ton_alone_is_ambiguous():
    with pytest.raises(ValueError, match="unknown weight unit 'ton'"):
        to_kg(1, "ton")
