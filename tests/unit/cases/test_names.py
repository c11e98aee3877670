import pytest

from app.cases.names import normalise_name, sound_alike_key


def test_normalise_folds_case_accents_and_punctuation():
    assert normalise_name("  O'Brien-Smith ") == "obriensmith"
    assert normalise_name("Zoë") == "zoe"
    assert normalise_name(None) == ""


@pytest.mark.parametrize("a,b", [("Smith", "Smyth"), ("Smith", "Smiht"), ("Johnson", "Jonson"),
                                 ("Philips", "Phillips"), ("Mackenzie", "McKenzie"), ("Catherine", "Cathrine")])
def test_variants_and_typos_sound_alike(a, b):
    assert sound_alike_key(a) == sound_alike_key(b)


def test_different_names_do_not():
    assert sound_alike_key("Smith") != sound_alike_key("Jones")
    assert sound_alike_key("") == ""
    assert len(sound_alike_key("Li")) == 4
