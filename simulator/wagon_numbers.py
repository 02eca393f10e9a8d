"""UIC wagon numbers drawn from a random stream: a type digit, six random digits and the check digit.

The check digit is checkdigits.wagon_check_digit's; the tables let the wagonload builders look it up
without a loop (weights 2, 1, 2, 1, 2, 1, 2; a product's digits are summed).
"""
from __future__ import annotations

import random

_DIGIT_SUM = ([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], list(range(10)))  # digit sum of d*2 and d*1

FIRST_DIGIT_SUM = {str(n): _DIGIT_SUM[0][n] for n in range(10)}  # digit 1 (the wagon type)
DIGITS_2_4_SUM = [_DIGIT_SUM[1][n // 100] + _DIGIT_SUM[0][n // 10 % 10] + _DIGIT_SUM[1][n % 10] for n in range(1000)]
DIGITS_5_7_SUM = [_DIGIT_SUM[0][n // 100] + _DIGIT_SUM[1][n // 10 % 10] + _DIGIT_SUM[0][n % 10] for n in range(1000)]
CHECK_OF_SUM = [(10 - t % 10) % 10 for t in range(100)]


def wagon_number(rng: random.Random, first: str) -> str:
    """`first` (the type digit), six digits from one draw of `rng`, and the check digit."""
    num = rng.randrange(1_000_000)
    return f"{first}{num:06d}{CHECK_OF_SUM[FIRST_DIGIT_SUM[first] + DIGITS_2_4_SUM[num // 1000] + DIGITS_5_7_SUM[num % 1000]]}"
