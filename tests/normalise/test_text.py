import pytest

from graphtool.normalise.text import clean, name_norm


def test_clean_turns_full_width_ascii_into_half_width_and_collapses_spaces():
    assert clean("ＡＢＣ　Ｔｒａｄｉｎｇ   Co.,Ltd.") == "ABC Trading Co.,Ltd."


def test_clean_keeps_chinese_and_drops_invisible_characters():
    assert clean("\ufeff宁波\u200b钨业 有限公司") == "宁波钨业 有限公司"


def test_name_norm_folds_case_and_removes_punctuation():
    assert name_norm("Ningbo  Tungsten Co., Ltd.") == "ningbo tungsten co ltd"


def test_name_norm_deletes_apostrophes_instead_of_splitting_words():
    assert name_norm("O'Brien & Sons") == "obrien sons"


def test_traditional_and_simplified_spellings_give_one_key():
    assert name_norm("中國五礦集團（香港）有限公司") == name_norm("中国五矿集团(香港)有限公司")
    assert name_norm("中國五礦集團有限公司") == "中国五矿集团有限公司"


@pytest.mark.parametrize(
    "name",
    [
        "宁波钨业有限公司",  # already simplified: unchanged
        "𠮷野家贸易",  # CJK extension B, only encodable in GB18030 among the Chinese codepages
        "䶮化工",  # CJK extension A
        "钕铁硼磁材",
    ],
)
def test_a_gb18030_name_is_kept_intact(name):
    assert name_norm(name) == name


def test_legal_form_suffixes_are_kept_for_a_later_step():
    assert name_norm("ACME Trading Pte. Ltd.") == "acme trading pte ltd"
    assert name_norm("锑业股份有限公司").endswith("股份有限公司")


def test_combining_marks_stay_part_of_the_word():
    assert name_norm("บริษัท ไทย") == clean("บริษัท ไทย")
