import pytest

from graphtool.normalise.hscodes import hs_code, hs_description


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("8110102000", "8110102000"),
        ("8110.10.20.00", "8110102000"),
        ("8110 10 20 00", "8110102000"),
        ("811010", "811010"),
        ("81101020", "81101020"),
        ("２８２５８０００１０", "2825800010"),
    ],
)
def test_declared_codes_are_reduced_to_digits(text, code):
    assert hs_code(text) == code


def test_four_digit_codes_are_too_short():
    with pytest.raises(ValueError, match="HS code '2850' too short: 6, 8 or 10 digits expected"):
        hs_code("2850")


def test_odd_lengths_hint_at_a_lost_leading_zero():
    with pytest.raises(ValueError, match=r"9 digits.*leading zero"):
        hs_code("101210000")


def test_chapter_77_does_not_exist():
    with pytest.raises(ValueError, match="chapter 77 does not exist"):
        hs_code("7701000000")


def test_unknown_subheading_is_rejected():
    with pytest.raises(ValueError, match="subheading 811030 does not exist"):
        hs_code("8110300000")


def test_national_chapters_98_and_99_pass():
    assert hs_code("9801000000") == "9801000000"
    assert hs_code("99999999") == "99999999"


def test_letters_are_rejected():
    with pytest.raises(ValueError, match="other than digits"):
        hs_code("8110AB")


def test_every_reference_code_printed_for_the_controls_is_a_valid_hs_2022_code():
    for code in ["8112929010", "2850001901", "2853904030", "2825600002", "2504101000", "3801901000",
                 "2617101000", "2825800010", "2841801000", "2849902000", "8101940001", "2804500001",
                 "2805301200", "2846901940", "3824999922", "8505111000"]:  # fmt: skip
        assert hs_code(code) == code


def test_description_uses_the_most_specific_level_available():
    assert hs_description("8110102000").startswith("Antimony and articles thereof; unwrought")
    assert hs_description("8110990000").startswith("Antimony")  # heading 8110: subheading 811099 unknown
    assert hs_description("7701000000") is None
