from datetime import date

import pytest

from graphtool.normalise.dates import parse_date, parse_partial_date

MARCH_5 = date(2024, 3, 5)


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-05",
        "2024/3/5",
        "2024.3.5",
        "20240305",
        "2024年3月5日",
        "２０２４年３月５日",
        "2024-03-05T10:00:00",
        "2024-03-05 10:00:00",
        "2024-03-05T23:30:00+08:00",
        "2024/03/05 0:00",
        "5 Mar 2024",
        "05-MAR-2024",
        "March 5, 2024",
    ],
)
def test_year_first_and_named_month_forms_need_no_order(text):
    assert parse_date(text) == MARCH_5


def test_us_style_dates_with_two_or_four_digit_years():
    assert parse_date("6/28/2016", order="mdy") == date(2016, 6, 28)
    assert parse_date("6/28/16", order="mdy") == date(2016, 6, 28)


def test_day_first_dates():
    assert parse_date("05/03/2024", order="dmy") == MARCH_5


def test_day_month_forms_are_refused_when_the_order_is_unknown():
    with pytest.raises(ValueError, match="ambiguous date '05/03/2024'"):
        parse_date("05/03/2024")


@pytest.mark.parametrize(
    ("text", "order"), [("2024-02-30", "ymd"), ("2023-02-29", "ymd"), ("13/28/2016", "mdy")]
)
def test_impossible_dates_are_rejected_with_a_clear_message(text, order):
    with pytest.raises(ValueError, match=f"impossible date '{text}'"):
        parse_date(text, order=order)


def test_leap_day_is_accepted():
    assert parse_date("2024-02-29") == date(2024, 2, 29)


def test_garbage_is_rejected():
    with pytest.raises(ValueError, match="unrecognised date 'soon'"):
        parse_date("soon")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1965", "1965"),
        ("1965-10", "1965-10"),
        ("1965/10", "1965-10"),
        ("1965年10月", "1965-10"),
        ("1965-10-03", "1965-10-03"),
        ("1965年10月3日", "1965-10-03"),
    ],
)
def test_partial_birth_dates_keep_their_precision(text, expected):
    assert parse_partial_date(text) == expected


def test_partial_date_with_impossible_month():
    with pytest.raises(ValueError, match="impossible date '1965-13'"):
        parse_partial_date("1965-13")
