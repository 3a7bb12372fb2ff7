import pytest

from graphtool.normalise.codes import currency, trade_mode, transport_mode


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2", "2"),
        ("水路运输", "2"),
        ("江海运输", "2"),
        ("Sea", "2"),
        ("铁路运输", "3"),
        ("公路运输", "4"),
        ("航空运输", "5"),
        ("航空运输(5)", "5"),
        ("5-航空运输", "5"),
        ("邮件运输", "6"),
        ("其他运输", "9"),
        ("旅客携带", "L"),
        ("H", "H"),
        ("Y", "Y"),
    ],
)
def test_transport_mode_from_code_or_name(text, code):
    assert transport_mode(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0110", "0110"),
        ("110", "0110"),
        ("一般贸易", "0110"),
        ("一般贸易(0110)", "0110"),
        ("一般贸易（0110）", "0110"),
        ("0110 一般贸易", "0110"),
        ("General Trade", "0110"),
        ("来料加工", "0214"),
        ("进料对口", "0615"),
        ("市场采购", "1039"),
        ("电子商务", "9610"),
        ("跨境电商", "9610"),
        ("跨境电商B2B直接出口", "9710"),
        ("跨境电商出口海外仓", "9810"),
        ("退运货物", "4561"),
    ],
)
def test_trade_mode_from_code_or_name(text, code):
    assert trade_mode(text) == code


def test_a_name_and_code_that_disagree_are_refused():
    with pytest.raises(ValueError, match="code 9610 does not match the name"):
        trade_mode("一般贸易(9610)")


def test_unknown_trade_mode():
    with pytest.raises(ValueError, match="unknown trade mode '1234'"):
        trade_mode("1234")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("USD", "USD"),
        ("usd", "USD"),
        ("美元", "USD"),
        ("502", "USD"),
        ("人民币", "CNY"),
        ("RMB", "CNY"),
        ("142", "CNY"),
        ("欧元", "EUR"),
        ("300", "EUR"),
        ("港币", "HKD"),
        ("110", "HKD"),
        ("日元", "JPY"),
        ("116", "JPY"),
        ("英镑", "GBP"),
        ("303", "GBP"),
        ("泰铢", "THB"),
        ("美元(USD)", "USD"),
        ("XOF", "XOF"),
    ],
)
def test_currency_from_iso_code_chinese_name_or_customs_number(text, code):
    assert currency(text) == code


def test_unknown_currency():
    with pytest.raises(ValueError, match="unknown currency 'ABC'"):
        currency("ABC")
