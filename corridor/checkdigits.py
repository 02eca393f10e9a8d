"""Check-digit rules of the corridor's identifiers (feeds.md), written once and reused everywhere."""
from __future__ import annotations

import re

_ISO6346 = re.compile(r"^[A-Z]{3}[UJZ][0-9]{7}$")
_LETTER_VALUES: dict[str, int] = {}
_v = 10
for _c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    if _v % 11 == 0:
        _v += 1
    _LETTER_VALUES[_c] = _v
    _v += 1

SIZE_TYPE_TEU = {"22G1": 1.0, "25G1": 1.0, "22T6": 1.0, "42G1": 2.0, "45G1": 2.0, "45R1": 2.0, "L5G1": 2.25}


def iso6346_check_digit(first10: str) -> int:
    total = sum((_LETTER_VALUES[c] if c.isalpha() else int(c)) << i for i, c in enumerate(first10))
    return total % 11 % 10


def is_valid_container(number: object) -> bool:
    return isinstance(number, str) and bool(_ISO6346.match(number)) and iso6346_check_digit(number[:10]) == int(number[10])


def wagon_check_digit(first7: str) -> int:
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(first7, (2, 1, 2, 1, 2, 1, 2)))
    return (10 - total % 10) % 10


def is_valid_wagon(number: object) -> bool:
    return isinstance(number, str) and len(number) == 8 and number.isdigit() and wagon_check_digit(number[:7]) == int(number[7])


def imo_check_digit(first6: str) -> int:
    return sum(int(d) * w for d, w in zip(first6, range(7, 1, -1))) % 10


def normalize_imo(value: object) -> str | None:
    """`IMO9187655` or `9187655` → `9187655`; anything else → None."""
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    digits = value.strip().upper().removeprefix("IMO")
    return digits if len(digits) == 7 and digits.isdigit() else None


def is_valid_imo(value: object) -> bool:
    digits = normalize_imo(value)
    return digits is not None and imo_check_digit(digits[:6]) == int(digits[6])


def esr_check_digit(first5: str) -> int:
    digits = [int(d) for d in first5]
    check = sum(d * w for d, w in zip(digits, range(1, 6))) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, range(3, 8))) % 11
    return 0 if check == 10 else check


def is_valid_esr(code: object) -> bool:
    return isinstance(code, str) and len(code) == 6 and code.isdigit() and esr_check_digit(code[:5]) == int(code[5])


def with_check_digit(kind: str, body: str) -> str:
    """Append the check digit: kind is `container`, `wagon`, `imo` or `esr` (used by the simulator)."""
    digit = {"container": iso6346_check_digit, "wagon": wagon_check_digit, "imo": imo_check_digit, "esr": esr_check_digit}[kind](body)
    return f"{body}{digit}"
