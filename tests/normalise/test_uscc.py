import pytest

from graphtool.normalise.uscc import make_uscc, uscc, uscc_is_valid


def test_a_real_looking_code_has_a_valid_check_character():
    assert uscc_is_valid("91350100M000100Y43")


@pytest.mark.parametrize("body", ["91330200MA2H12345", "91440300MA5F00001", "92450100MA5KXY12T"])
def test_generated_codes_are_valid(body):
    code = make_uscc(body)
    assert len(code) == 18
    assert code.startswith(body)
    assert uscc_is_valid(code)


def test_a_uscc_with_a_wrong_check_character_is_flagged_but_kept():
    assert uscc("91350100M000100Y44") == "91350100M000100Y44"
    assert not uscc_is_valid("91350100M000100Y44")


def test_lower_case_and_full_width_input_is_upper_cased():
    assert uscc("91350100m000100y43") == "91350100M000100Y43"
    assert uscc("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


def test_wrong_length_is_rejected():
    with pytest.raises(ValueError, match="has 17 characters: 18 expected"):
        uscc("91350100M000100Y4")


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letters_outside_the_alphabet_are_rejected(letter):
    with pytest.raises(ValueError, match=f"contains '{letter}'"):
        uscc("91350100M000100Y4" + letter)


def test_make_uscc_refuses_a_bad_body():
    with pytest.raises(ValueError):
        make_uscc("9135010OM000100Y4")
