from townhall.core.references import ALPHABET, new_reference, normalise_reference


def test_references_are_short_grouped_and_unambiguous():
    reference = new_reference("WX")

    prefix, first, second = reference.split("-")
    assert prefix == "WX"
    assert len(first) == len(second) == 4
    assert set(first + second) <= set(ALPHABET)
    assert not set(first + second) & set("ILOU")


def test_references_do_not_repeat():
    assert len({new_reference("WX") for _ in range(2000)}) == 2000


def test_reads_a_reference_as_a_caller_might_say_it():
    assert normalise_reference("wx 0ab1 c2de") == "WX-0AB1-C2DE"
    assert normalise_reference("WX-OAB1-C2DE") == "WX-0AB1-C2DE"
