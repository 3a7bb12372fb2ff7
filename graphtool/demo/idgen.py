"""Identifiers with the check digits real ones carry, so validators see realistic values.

Scalar helpers for the few thousand firms and people; vectorised ones (numpy in, numpy or Arrow
out) for numbers issued per declaration (bills of lading, air waybills, mail items, containers).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphtool.normalise.uscc import make_uscc

# GB 11714 organisation code: 8 characters + check, weights below, check 10 -> "X", 11 -> "0".
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_LETTERS = "ABCDEFGHJKLMNPQRTUWXY"  # letters allowed in a USCC (no I, O, S, V, Z)


def _char_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code(body8: str) -> str:
    """Organisation code (组织机构代码) with its GB 11714 check character."""
    total = sum(_char_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc_for(division: str, serial: int, new_style: bool, rng: np.random.Generator) -> str:
    """A valid USCC: 9 (market regulator) + 1 (enterprise) + division + organisation code + check.

    Firms registered since 2015 get organisation codes starting "MA" as issued today.
    """
    if new_style:
        tail = "".join(rng.choice(list("0123456789" + _USCC_LETTERS), size=6))
        body = "MA" + tail
    else:
        body = f"{(serial * 7919 + 10_000_000) % 90_000_000 + 10_000_000:08d}"
    code = org_code(body)
    return make_uscc("91" + division + code)


def corrupt_uscc(code: str) -> str:
    """The same code with a wrong check character (a typical data-entry error)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + alphabet[(alphabet.index(code[17]) + 7) % len(alphabet)]


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(division: str, birth: str, seq: int) -> str:
    """18-digit resident identity number (GB 11643, ISO 7064 MOD 11-2 check)."""
    body = f"{division}{birth}{seq % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def imo_number(seed: int) -> str:
    """A 7-digit IMO ship number whose last digit checks (weights 7..2, sum mod 10)."""
    body = f"{9_100_000 + (seed * 3_571) % 800_000:07d}"[:6]
    check = sum(int(d) * w for d, w in zip(body, range(7, 1, -1), strict=True)) % 10
    return f"IMO{body}{check}"


# ISO 6346 letter values skip multiples of 11.
_ISO6346 = {}
_value = 10
for _letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    if _value % 11 == 0:
        _value += 1
    _ISO6346[_letter] = _value
    _value += 1


def container_numbers(owners: list[str], owner_idx: np.ndarray, serial: np.ndarray) -> pa.Array:
    """ISO 6346 container numbers (owner code + U + 6 digits + check digit), vectorised."""
    prefix_sum = np.array([sum(_ISO6346[c] * 2**i for i, c in enumerate(o)) for o in owners], dtype=np.int64)
    total = prefix_sum[owner_idx].copy()
    digits = np.empty((len(serial), 6), dtype=np.int64)
    rest = serial.astype(np.int64) % 1_000_000
    for i in range(5, -1, -1):
        digits[:, i] = rest % 10
        rest //= 10
    for i in range(6):
        total += digits[:, i] * 2 ** (4 + i)
    check = (total % 11) % 10
    number = (serial.astype(np.int64) % 1_000_000) * 10 + check
    owner_arr = pa.array(owners).take(pa.array(owner_idx))
    return pc.binary_join_element_wise(owner_arr, zfill(number, 7), "")


def zfill(values: np.ndarray, width: int) -> pa.Array:
    """Non-negative integers as zero-padded text, e.g. 42 -> "0042" (width 4)."""
    return pc.utf8_lpad(pa.array(values.astype(np.int64)).cast(pa.string()), width, "0")


def awb_numbers(prefixes: list[str], prefix_idx: np.ndarray, serial: np.ndarray) -> pa.Array:
    """Air waybill numbers "784-12345675": airline prefix, 7-digit serial, check = serial mod 7."""
    serial = serial.astype(np.int64) % 10_000_000
    number = serial * 10 + serial % 7
    return pc.binary_join_element_wise(pa.array(prefixes).take(pa.array(prefix_idx)), zfill(number, 8), "-")


_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_numbers(service: str, serial: np.ndarray) -> pa.Array:
    """UPU S10 item numbers such as EA123456785CN (8 digits + check digit + CN)."""
    serial = serial.astype(np.int64) % 100_000_000
    total = np.zeros(len(serial), dtype=np.int64)
    rest = serial.copy()
    for w in reversed(_S10_WEIGHTS):
        total += (rest % 10) * w
        rest //= 10
    check = 11 - total % 11
    check = np.where(check == 10, 0, np.where(check == 11, 5, check))
    body = zfill(serial * 10 + check, 9)
    return pc.binary_join_element_wise(pa.scalar(service), body, pa.scalar("CN"), "")


def permuted(index: np.ndarray, modulus: int, salt: int) -> np.ndarray:
    """A one-to-one scramble of 0..modulus-1 so issued numbers do not look sequential."""
    multiplier = 7_654_321  # coprime with powers of ten
    return (index.astype(np.int64) * multiplier + salt) % modulus
