"""A generated corpus of many sessions, written through the Corpus API (no parsing, no NLP).

Each statement's labels are drawn at random and kept next to the corpus, so tests can
count them independently of synth's SQL.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from synth.models import Session, Statement, TagSet
from synth.store import Corpus

SHIFTS = ["person-relation", "samordning", "proaktiv", "medskapare"]
CONCEPTS = ["individ-i-centrum", "tillsammans", "samordning", "trygghet", "kontinuitet"]
FACTORS = ["ledarskap", "digitalisering"]
_SENTENCE = "vi behöver prata mer om hur dagen ser ut för brukaren i hemmet och på mottagningen"
WORDS = _SENTENCE.split(" ")


@dataclass
class GeneratedStatement:
    session: str
    position: int
    shifts: list[str]
    concepts: list[str]
    factors: list[str]
    lemmas: list[str]


@dataclass
class GeneratedCorpus:
    path: Path
    sessions: list[str]  # in date order
    dates: dict[str, str]
    statements: list[GeneratedStatement] = field(default_factory=list)


def build(
    path: Path,
    n_sessions: int,
    per_session: int = 30,
    seed: int = 5,
    planted: str = "kvartersträff",
) -> GeneratedCorpus:
    """Sessions dated a week apart but written in shuffled order. The later half of the
    sessions mention ``planted`` (a word no taxonomy term covers) and "trygghet" more;
    the factor "ledarskap" occurs only in the first half, "digitalisering" only in the
    second."""
    rng = random.Random(seed)
    start = date(2021, 1, 4)
    ids = [f"s{i:04d}" for i in range(n_sessions)]
    dates = {sid: (start + timedelta(weeks=i)).isoformat() for i, sid in enumerate(ids)}
    generated = GeneratedCorpus(path, ids, dates)
    order = ids[:]
    rng.shuffle(order)
    with Corpus(path) as corpus:
        for sid in order:
            late = ids.index(sid) >= n_sessions // 2
            statements: list[tuple[int, Statement]] = []
            for position in range(1, per_session + 1):
                shifts = [s for s in SHIFTS if rng.random() < 0.25]
                concepts = [
                    c
                    for c in CONCEPTS
                    if rng.random() < (0.35 if late and c == "trygghet" else 0.15)
                ]
                # ledarskap is only talked about early, digitalisering only late.
                factors = [FACTORS[1] if late else FACTORS[0]] if rng.random() < 0.08 else []
                lemmas = rng.sample(WORDS, 8)
                if late and rng.random() < 0.3:
                    lemmas.append(planted)
                if late and rng.random() < 0.3:
                    lemmas.append("digital")  # covered by the taxonomy's digital*
                text = " ".join(lemmas).capitalize() + "."
                statements.append(
                    (
                        0,
                        Statement(
                            text=text,
                            source=f"{sid}.txt",
                            line_start=position,
                            line_end=position,
                            char_start=0,
                            char_end=len(text),
                            kind="bullet",
                            # The generated words stand for their own lemmas.
                            lemmas=" ".join([*lemmas, "."]),
                            forms=" ".join([*lemmas, "."]),
                            tags=TagSet(shifts=shifts, concepts=concepts, factors=factors),
                        ),
                    )
                )
                generated.statements.append(
                    GeneratedStatement(sid, position, shifts, concepts, factors, lemmas)
                )
            session = Session(sid, f"Workshop {sid}", dates[sid], "group-dialogue", [])
            source_text = "\n".join(st.text for _, st in statements)
            sha = hashlib.sha256(source_text.encode()).hexdigest()
            corpus.write_session(
                session, sha, [(f"{sid}.txt", f"{sid}.txt", sha, source_text)], statements
            )
    return generated
