"""Masking of personal data in outputs."""

from __future__ import annotations

import pytest

from synth.redact import redact


@pytest.mark.parametrize(
    "number",
    ["811218-9876", "8112189876", "19811218-9876", "198112189876", "811278-9873"],
)
def test_valid_identity_numbers_are_masked(number: str) -> None:
    assert redact(f"Patienten {number} ringde") == "Patienten [personnummer] ringde"


def test_numbers_failing_the_luhn_check_are_kept() -> None:
    assert redact("Ärende 811218-9877 och år 2022-2023") == "Ärende 811218-9877 och år 2022-2023"


def test_email_and_phone_are_masked() -> None:
    text = "Mejla anna.svensson@region.se eller ring 070-123 45 67 / +46 480 45 00 00."
    assert redact(text) == "Mejla [e-post] eller ring [telefon] / [telefon]."


def test_dates_and_counts_are_not_phone_numbers() -> None:
    text = "Mötet 2024-03-14 samlade 120 deltagare, 5 400 personer berörs."
    assert redact(text) == text


@pytest.mark.parametrize(
    "numbers",
    [
        "070 12 34 56 070 12 34 56",
        "0480-12 34 56 0480-65 43 21",
        "070-123 45 67 070-765 43 21",
        "+46 70 123 45 67 070 12 34 56",
    ],
)
def test_two_phone_numbers_in_a_row_are_both_masked(numbers: str) -> None:
    assert redact(f"Ring {numbers} i dag.") == "Ring [telefon] [telefon] i dag."
