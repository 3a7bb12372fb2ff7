"""Name normal forms for matching: one firm written many ways compares as one name."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from graphtool.normalise.names import (
    containment,
    forms_conflict,
    may_contain,
    name_form,
    romanise,
    similarity,
    similarity_bounds,
)

HENGDA = [
    "宁波恒达稀有金属有限公司",
    "Ningbo Hengda Rare Metals Co., Ltd.",
    "NINGBO HENGDA RARE METAL CO LTD",
    "ＮＩＮＧＢＯ ＨＥＮＧＤＡ ＲＡＲＥ ＭＥＴＡＬＳ ＣＯ．，ＬＴＤ．",
    "寧波恒達稀有金屬有限公司",
    "宁波恒达稀有金属股份有限公司",
]


@pytest.mark.parametrize("name", HENGDA)
def test_every_spelling_of_one_firm_has_one_latin_form(name):
    assert name_form(name).latin == "ning bo heng da rare metal"


def test_the_original_text_is_kept_untouched():
    form = name_form("寧波恒達稀有金屬有限公司")
    assert form.original == "寧波恒達稀有金屬有限公司"
    assert form.hanzi == "宁波恒达稀有金属"  # simplified, legal form removed


def test_a_chinese_name_meets_its_english_registration():
    assert similarity(name_form(HENGDA[0]), name_form(HENGDA[1])) == 1.0
    assert (
        similarity(name_form("广州华泰国际贸易有限公司"), name_form("GUANGZHOU HUATAI INTL TRADING CO.,LTD"))
        == 1.0
    )


def test_two_chinese_names_that_romanise_alike_stay_apart():
    # 恒达 and 恒大 are both "Hengda": in characters they are two firms
    a, b = name_form("深圳恒达稀有金属有限公司"), name_form("深圳恒大稀有金属有限公司")
    assert a.latin == b.latin
    assert similarity(a, b) < 0.9


def test_a_same_sound_typo_in_an_industry_word_and_a_mistyped_legal_form_are_forgiven():
    typo = name_form("宁波恒达希有金属有眼公司")  # 希有 for 稀有, 有眼 for 有限
    assert typo.hanzi == "宁波恒达稀有金属"
    assert similarity(typo, name_form(HENGDA[0])) == 1.0


def test_legal_forms_in_many_languages_are_set_aside_and_their_kind_kept():
    for name in [
        "Ironside Metals GmbH & Co. KG",
        "IRONSIDE METALS B.V.",
        "PT Ironside Metals Tbk.",
        "Ironside Metals Sdn. Bhd.",
    ]:
        assert name_form(name).latin == "ironside metal", name
    assert forms_conflict(name_form("Titan Magnetics Corp."), name_form("Titan Magnetics Co., Ltd."))
    assert not forms_conflict(name_form("Titan Magnetics Company"), name_form("Titan Magnetics Corp."))


def test_abbreviations_and_plurals_are_spelled_one_way():
    a = name_form("Apex Alloys Trading Co., Ltd")
    b = name_form("APEX ALLOY TRADING COMPANY LIMITED")
    assert a.latin == b.latin == "apex alloy trade"
    assert (
        name_form("Sino Intl Tech Imp. & Exp. Co").latin
        == name_form("Sino International Technology Import and Export").latin
    )


def test_place_names_are_romanised_in_context():
    assert romanise("长沙") == "chang sha" and romanise("重庆") == "chong qing"
    assert name_form("香港海茂有限公司").latin == name_form("Hong Kong Haimao Limited").latin


def test_typos_lower_the_score_a_little_and_other_trade_names_a_lot():
    right = name_form("Ganzhou Hengda New Materials Co., Ltd.")
    assert similarity(right, name_form("GANZHOU HENSDA NEW MATERIALS CO LTD")) >= 0.9
    assert similarity(right, name_form("Ganzhou Hongyuan New Materials Co., Ltd.")) < 0.8
    assert (
        similarity(
            name_form("上海中恒金属制品有限公司"), name_form("SHANGHAI HENGTONG METAL PRODUCTS CO LTD")
        )
        < 0.85
    )


def test_people_may_be_written_surname_first():
    a, b = name_form("LI, Fangwei"), name_form("Fangwei Li")
    assert similarity(a, b, word_order=False) == 1.0
    assert similarity(name_form("Li Fang Wei"), a) == 1.0


def test_a_short_alias_is_contained_in_the_full_name_with_generic_words_only():
    assert containment(name_form("LIMMT"), name_form("LIMMT ECONOMIC AND TRADE COMPANY, LTD."))
    assert not containment(name_form("Bluewater Materials"), name_form("Bluewater Semiconductor K.K."))
    assert not containment(name_form("Apex"), name_form("Apex Trading"))  # too short to tell


def test_a_legal_form_glued_to_the_last_word_is_removed():
    glued = name_form("Sinotech (Dalian) Carbon and GraphiteCorporation")
    assert glued.latin == name_form("SINOTECH DALIAN CARBON AND GRAPHITE CORPORATION").latin


def test_the_fast_bounds_never_drop_a_pair_the_full_comparison_would_keep():
    names = [
        *HENGDA,
        "深圳恒大稀有金属有限公司",
        "Xiamen Tengda Rare Metals Co., Ltd.",
        "LI, Fangwei",
        "Fangwei Li",
        "LIMMT",
        "LIMMT ECONOMIC AND TRADE COMPANY, LTD.",
        "Bluewater Materials",
        "Bluewater Semiconductor K.K.",
        "Apex Alloys Trading Co., Ltd",
        "APEX ALLOY TRADING COMPANY LIMITED",
        "",
    ]
    forms = [name_form(n) for n in names]
    pairs = np.array(list(itertools.product(range(len(forms)), repeat=2)), dtype=np.int64)
    contained = may_contain(forms, forms, pairs)
    for word_order in (True, False):
        bounds = similarity_bounds(forms, forms, pairs, np.full(len(pairs), word_order))
        for (i, j), bound, may in zip(pairs.tolist(), bounds, contained, strict=True):
            assert similarity(forms[i], forms[j], word_order) <= bound, (names[i], names[j])
            assert may or not containment(forms[i], forms[j]), (names[i], names[j])
    assert contained[
        names.index("LIMMT") * len(names) + names.index("LIMMT ECONOMIC AND TRADE COMPANY, LTD.")
    ]
