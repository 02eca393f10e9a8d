from corridor.checkdigits import is_valid_esr
from corridor.reference import location_by_esr, location_by_unlocode, locations


def test_every_reference_esr_has_a_valid_check_digit():
    assert all(is_valid_esr(code) for code in location_by_esr())


def test_location_codes_follow_the_contract():
    for loc in locations():
        assert loc.location_code == (loc.unlocode or f"ESR{loc.esr_code}")


def test_azala_is_an_alias_of_baku_and_kzakx_is_unknown():
    assert location_by_unlocode()["AZALA"].location_code == "AZBAK"
    assert location_by_unlocode()["KZAAU"].name == "Port of Aktau"
    assert "KZAKX" not in location_by_unlocode()
