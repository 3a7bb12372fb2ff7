import pytest

from graphtool.normalise.countries import country, is_country


@pytest.mark.parametrize("text", ["泰国", "THA", "TH", "Thailand", "thailand", "泰國", "136"])
def test_arrival_country_in_any_common_form(text):
    assert country(text) == "TH"


@pytest.mark.parametrize(
    ("text", "iso2"),
    [
        ("USA", "US"),
        ("United States of America", "US"),
        ("美国", "US"),
        ("502", "US"),
        ("UK", "GB"),
        ("Korea, Republic of", "KR"),
        ("Korea (Republic of)", "KR"),
        ("South Korea", "KR"),
        ("韩国", "KR"),
        ("Hong Kong, China", "HK"),
        ("中国香港", "HK"),
        ("香港", "HK"),
        ("110", "HK"),
        ("澳门", "MO"),
        ("Taiwan", "TW"),
        ("台湾", "TW"),
        ("中国台湾", "TW"),
        ("台灣", "TW"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Russia", "RU"),
        ("俄罗斯", "RU"),
        ("Iran", "IR"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("越南", "VN"),
        ("UAE", "AE"),
        ("阿联酋", "AE"),
        ("中华人民共和国", "CN"),
        ("中国", "CN"),
        ("142", "CN"),
        ("墨西哥", "MX"),
        ("429", "MX"),
        ("比利时", "BE"),
        ("荷兰", "NL"),
        ("德国", "DE"),
        ("日本", "JP"),
        ("印度", "IN"),
        ("马来西亚", "MY"),
        ("新加坡", "SG"),
        ("土耳其", "TR"),
        ("Kosovo", "XK"),
    ],
)
def test_names_aliases_and_customs_codes(text, iso2):
    assert country(text) == iso2


def test_hong_kong_macao_and_taiwan_are_not_china():
    assert {country("香港"), country("澳门"), country("台湾")}.isdisjoint({"CN"})


def test_unknown_country_is_reported_by_name():
    with pytest.raises(ValueError, match="unknown country 'Narnia'"):
        country("Narnia")


def test_is_country_accepts_canonical_codes_only():
    assert is_country("US")
    assert is_country("XK")
    assert not is_country("UK")
    assert not is_country("us")
