"""Masking of personal data in outputs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.models import Session, Statement
from synth.redact import mask_ids, mask_session, mask_statement, masked_with_offsets, redact


@pytest.mark.parametrize(
    "number",
    ["811218-9876", "8112189876", "19811218-9876", "198112189876", "811278-9873"],
)
def test_valid_identity_numbers_are_masked(number: str) -> None:
    assert redact(f"Patienten {number} ringde") == "Patienten [personnummer] ringde"


def test_a_personnummer_with_a_typo_is_masked_and_years_are_kept() -> None:
    # 811218-9877 fails the check digit: a typo of a personnummer is still personal data.
    assert redact("Ärende 811218-9877 och år 2022-2023") == "Ärende [personnummer] och år 2022-2023"


def test_ten_digits_run_together_are_masked_only_as_a_valid_personnummer() -> None:
    assert redact("Nr 8112189876 i listan") == "Nr [personnummer] i listan"
    assert redact("Beställning 8112189877 klar") == "Beställning 8112189877 klar"


@pytest.mark.parametrize(
    "number",
    [
        "811218–9876",  # en dash
        "811218\u20119876",  # non-breaking hyphen
        "811218 - 9876",
        "811218\u00a0-\u00a09876",
        "19811218–9876",
        "811278\u22129873",  # minus sign, samordningsnummer
    ],
)
def test_personnummer_written_with_dashes_and_spaces_are_masked(number: str) -> None:
    assert redact(f"Patienten {number} ringde") == "Patienten [personnummer] ringde"


@pytest.mark.parametrize(
    "number",
    [
        "070–123 45 67",
        "070\u2011123 45 67",
        "+46 (0)70 123 45 67",
        "+46 (0)70-123 45 67",
        "070/123 45 67",
        "070.123.45.67",
        "0046 70 123 45 67",
    ],
)
def test_phone_numbers_in_common_spellings_are_masked(number: str) -> None:
    assert redact(f"Ring {number} i dag.") == "Ring [telefon] i dag."


@pytest.mark.parametrize(
    "address",
    ["anna(at)example.se", "anna [at] example.se", "anna.berg (at) region (dot) se"],
)
def test_email_addresses_written_around_spam_filters_are_masked(address: str) -> None:
    assert redact(f"Skriv till {address} senast") == "Skriv till [e-post] senast"


def test_dates_written_with_dots_and_slashes_are_not_phone_numbers() -> None:
    text = "Möten 01.02.2024 och 03/04/2024, kl 13-16, SIP-möte 2022-2023."
    assert redact(text) == text


def test_masking_maps_offsets_into_the_masked_text() -> None:
    text = "Ring 070-123 45 67 i dag."
    masked, mapping = masked_with_offsets(text, [0, 5, 12, 18, len(text)])
    assert masked == "Ring [telefon] i dag."
    assert mapping[5] == 5 and mapping[18] == len("Ring [telefon]")
    # A cut inside the number maps past its mask: nothing of it leaks to either side.
    assert mapping[12] == len("Ring [telefon]")
    assert mapping[len(text)] == len(masked)


def test_a_session_is_masked_in_every_field_from_the_notes() -> None:
    session = Session("anteckningar-811218-9876", "Samtal 811218-9876", None, "other", ["a.txt"])
    statement = Statement(
        "Ring anna@example.se",
        "anteckningar 811218-9876.txt",
        1,
        1,
        0,
        20,
        "bullet",
        section="Om 070-123 45 67",
        prompt="Vem är 811218-9876?",
        group="Grupp 811218-9876",
    )
    shown = mask_session(session)
    masked = mask_statement(statement)
    assert "9876" not in repr(shown) and "9876" not in repr(masked)
    assert "070" not in repr(masked) and "anna@" not in repr(masked)
    assert shown.id == "anteckningar-[personnummer]"


def test_masked_session_ids_stay_apart() -> None:
    shown = mask_ids(["notes-811218-9876", "notes-640823-3234", "notes"])
    assert list(shown.values()) == [
        "notes-[personnummer]",
        "notes-[personnummer]-2",
        "notes",
    ]


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


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # a phone number and a personnummer pasted together without a space
        ("+46 70 123 45 670811218-98760", "[telefon] [personnummer]"),
        ("+46 70 123 45 67 0811218-9876", "[telefon] [personnummer]"),
        ("Nr 19811218-98760 i listan", "Nr [personnummer] i listan"),
    ],
)
def test_a_personnummer_glued_to_other_digits_leaves_no_digit_of_it(text: str, masked: str) -> None:
    assert redact(text) == masked


def test_case_numbers_and_years_with_a_dash_are_not_glued_personnummer() -> None:
    text = "Dnr 2023-12345, 123456-78901 och order 4711201512-2024 under 2022-2023."
    assert redact(text) == text


# What the search index holds for a fixed set of texts written as people write personal
# data, and the INDEX_MASKS_VERSION they were masked under.
MASKED_FOR_THE_INDEX = (
    1,
    "b8304bf8b8573e95",
)


def test_a_change_of_the_masks_raises_the_version_the_search_index_was_built_under() -> None:
    """A corpus re-indexes its statements when INDEX_MASKS_VERSION differs from the one it
    was indexed under; deleting a row from the index needs the masks it was indexed with.
    So when masking changes what it produces, the version must change too."""
    import hashlib

    from synth.redact import INDEX_MASKS_VERSION, index_lemmas

    texts = [
        "Patienten 811218-9876 ringde från 070-123 45 67",
        "19811218–9876, 811218 - 9877, 8112189876 och 8112189877",
        "+46 (0)70 123 45 67, 070/123 45 67, 070.123.45.67, 0046 70 123 45 67",
        "anna.svensson@region.se, anna(at)example.se, b [at] c [dot] se",
        "+46 70 123 45 670811218-98760 och Dnr 2023-12345 den 01.02.2024",
        "ring 070 12 34 56 070 12 34 56 eller 0480-12 34 56",
    ]
    masked = "\n".join(redact(t) + "\t" + index_lemmas(t.lower()) for t in texts)
    digest = hashlib.sha256(masked.encode()).hexdigest()[:16]
    assert (INDEX_MASKS_VERSION, digest) == MASKED_FOR_THE_INDEX, (
        "masking changed what the search index holds: raise INDEX_MASKS_VERSION in "
        f"synth/redact.py and record ({INDEX_MASKS_VERSION + 1}, {digest!r}) here"
    )


# Pieces of text as people write personal data and what looks like it: digits alone and
# in runs, the separators numbers are written with, e-mail marks, letters and spaces.
PIECES = st.sampled_from(
    [
        "7",
        "0",
        "19",
        "811218",
        "9876",
        "070",
        "123",
        "45",
        "+46",
        "(0)",
        "-",
        "–",
        "/",
        ".",
        " ",
        "\u00a0",
        "@",
        "(at)",
        " [ AT ] ",
        "{snabel-a}",
        "[dot]",
        "region",
        "se",
        "anna@region.se",
        "anna (at) region [dot] se",
        "Ring",
        "å",
    ]
)


@settings(max_examples=400)
@given(
    st.lists(
        st.one_of(PIECES, st.text(alphabet="0123456789 -+()/.", min_size=1, max_size=16)),
        max_size=10,
    ).map("".join)
)
def test_masking_a_text_masks_what_masking_it_with_offsets_masks(text: str) -> None:
    # redact skips the patterns for text with no hint of personal data: what it gives must
    # be what the whole search gives, for text with and without such hints.
    assert redact(text) == masked_with_offsets(text, ())[0]
