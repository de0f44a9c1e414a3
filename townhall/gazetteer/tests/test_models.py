import pytest

from townhall.gazetteer.models import normalise_postcode


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("wx12ab", "WX1 2AB"),
        ("WX1 2AB", "WX1 2AB"),
        ("  wx1   2ab ", "WX1 2AB"),
        ("sw1a1aa", "SW1A 1AA"),
        ("m11ae", "M1 1AE"),
        ("WX9\t9ZZ", "WX9 9ZZ"),
        ("wx1", "WX1"),
        ("", ""),
    ],
)
def test_normalise_postcode_capitalises_and_puts_one_space_before_the_inward_code(typed, stored):
    assert normalise_postcode(typed) == stored
