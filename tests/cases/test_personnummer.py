import pytest

from cases.personnummer import mask_personnummer, normalise_personnummer
from kundtjanst.errors import DomainError


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("198507099805", "198507099805"),
        ("19850709-9805", "198507099805"),
        ("850709-9805", "198507099805"),
        ("8507099805", "198507099805"),
        # samordningsnummer: day of birth + 60
        ("701063-2391", "197010632391"),
        ("  19701063-2391 ", "197010632391"),
    ],
)
def test_valid_numbers_are_normalised_to_twelve_digits(raw, normalised):
    assert normalise_personnummer(raw) == normalised


@pytest.mark.parametrize(
    "raw",
    [
        "198507099806",  # wrong check digit
        "19851309-9805",  # month 13
        "850709-980",  # too short
        "abcdefghij",
        "",
    ],
)
def test_invalid_numbers_are_refused_with_a_stable_code(raw):
    with pytest.raises(DomainError) as error:
        normalise_personnummer(raw)
    assert error.value.code == "personnummer-invalid"
    assert error.value.field == "personnummer"


def test_mask_keeps_the_date_and_hides_the_last_four():
    assert mask_personnummer("198507099805") == "19850709-****"
    assert mask_personnummer("bad") == "****"
