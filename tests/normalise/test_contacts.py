import pytest

from graphtool.normalise.contacts import email_domain, email_norm, phone_norm


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+86 (574) 8765-4321", "+8657487654321"),
        ("0086 574 8765 4321", "+8657487654321"),
        ("＋８６ １３８ ００１３ ８０００", "+8613800138000"),
        ("0574-87654321", "057487654321"),
    ],
)
def test_formatting_does_not_matter_for_phone_numbers(text, expected):
    assert phone_norm(text) == expected


def test_too_short_phone_numbers_are_rejected():
    with pytest.raises(ValueError, match="too few digits"):
        phone_norm("12345")


def test_two_numbers_in_one_field_are_rejected():
    with pytest.raises(ValueError, match="too many digits"):
        phone_norm("0574-87654321 / 13800138000")


def test_email_is_lower_cased():
    assert email_norm("Sales@Example.COM") == "sales@example.com"
    assert email_domain("Sales@Example.COM") == "example.com"


@pytest.mark.parametrize("text", ["a@b", "a@@b.com", "@b.com", "a@b.", "a b@c.com", "no-at.com"])
def test_invalid_emails_are_rejected(text):
    with pytest.raises(ValueError, match="invalid e-mail address"):
        email_norm(text)
