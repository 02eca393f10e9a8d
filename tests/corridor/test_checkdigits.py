import pytest

from corridor import checkdigits as cd


@pytest.mark.parametrize("number", ["CSQU3054383", "MSKU6011672", cd.with_check_digit("container", "TGHU975240")])
def test_valid_containers(number):
    assert cd.is_valid_container(number)


@pytest.mark.parametrize("number", ["CSQU3054384", "CSQX3054383", "CSQU305438", "csqu3054383", None, 12])
def test_invalid_containers(number):
    assert not cd.is_valid_container(number)


def test_container_check_digit_10_maps_to_0():
    # A weighted sum ≡ 10 (mod 11) gives check digit 0 (mod 11, then mod 10).
    body = next(f"ABCU{n:06d}" for n in range(1000) if sum((cd._LETTER_VALUES[c] if c.isalpha() else int(c)) << i for i, c in enumerate(f"ABCU{n:06d}")) % 11 == 10)
    assert cd.iso6346_check_digit(body) == 0


def test_wagon_numbers():
    assert cd.is_valid_wagon("51234565")
    assert not cd.is_valid_wagon("51234566")
    assert not cd.is_valid_wagon("5123456")
    assert cd.with_check_digit("wagon", "5123456") == "51234565"


def test_imo_numbers():
    assert cd.is_valid_imo("9187655") and cd.is_valid_imo("IMO9187655")
    assert not cd.is_valid_imo("9187656")
    assert cd.normalize_imo(" IMO9187655 ") == "9187655"
    assert cd.normalize_imo("IMO91876") is None


def test_esr_codes():
    for code in ("990014", "705509", "703202", "663109", "552508", "551204"):
        assert cd.is_valid_esr(code)
    assert not cd.is_valid_esr("705508")
    assert not cd.is_valid_esr("70550")


def test_esr_second_weighting_and_fallback_to_zero():
    # First weighting gives 10 → second weighting decides; if that is 10 too the digit is 0.
    firsts = [f"{n:05d}" for n in range(100000) if sum(int(d) * w for d, w in zip(f"{n:05d}", range(1, 6))) % 11 == 10]
    second = next(b for b in firsts if sum(int(d) * w for d, w in zip(b, range(3, 8))) % 11 != 10)
    both = next(b for b in firsts if sum(int(d) * w for d, w in zip(b, range(3, 8))) % 11 == 10)
    assert cd.esr_check_digit(second) == sum(int(d) * w for d, w in zip(second, range(3, 8))) % 11
    assert cd.esr_check_digit(both) == 0


def test_size_type_teu():
    assert cd.SIZE_TYPE_TEU["22G1"] == 1 and cd.SIZE_TYPE_TEU["45G1"] == 2 and cd.SIZE_TYPE_TEU["L5G1"] == 2.25
