"""A statement's words as the corpus stores them: ids of (form, lemma) pairs.

The lowercase forms and the lemmas of a statement are aligned word by word
(space-separated). Each pair of a form and its lemma is stored once, in the ``words``
table, and a statement keeps the ids of its pairs as a blob of varints (seven bits a
byte, the high bit set on every byte but a number's last): one or two bytes a word where
the text of its lemma and form took eight. ``b""`` stands for empty forms and lemmas.
Forms that do not align with their lemmas (never written by the pipeline) are stored as a
0, the number of lemmas, the ids of pairs whose lemma is each lemma, then the ids of
pairs whose form is each form.

``Words`` holds the pairs of one connection in memory: the SQL functions
``synth_lemmas`` and ``synth_forms`` (the search index's view reads the lemmas through the
first) and the storing code read them there. Pairs are never removed, so an id always
names the same pair; ids the cache has not seen are read from the table when first met.
"""

from __future__ import annotations

import sqlite3

Pair = tuple[str, str]  # (form, lemma)


def varints(ids: list[int]) -> bytes:
    """Numbers (≥ 0) as varints."""
    if not ids or max(ids) < 0x80:
        return bytes(ids)
    out = bytearray()
    for n in ids:
        while n >= 0x80:
            out.append(n & 0x7F | 0x80)
            n >>= 7
        out.append(n)
    return bytes(out)


def numbers(blob: bytes) -> list[int]:
    """The numbers of a blob of varints."""
    if blob.isascii():  # every number under 128: one byte each
        return list(blob)
    out: list[int] = []
    n = shift = 0
    for byte in blob:
        n |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            out.append(n)
            n = shift = 0
    return out


class Words:
    """The (form, lemma) pairs of a corpus by id and by value, read as needed."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.pairs: dict[int, Pair] = {}
        self.ids: dict[Pair, int] = {}
        # The varint of each pair's id, as pairs are encoded: a blob is the varints of its
        # ids one after the other, so most statements are encoded by one join.
        self.codes: dict[Pair, bytes] = {}
        self.last = 0  # the largest id read

    def refresh(self) -> None:
        """Read the pairs added since the last reading (by this or another process)."""
        for i, form, lemma in self.db.execute(
            "SELECT id, form, lemma FROM words WHERE id > ? ORDER BY id", (self.last,)
        ):
            pair = (str(form), str(lemma))
            self.pairs[int(i)] = pair
            self.ids.setdefault(pair, int(i))
            self.last = int(i)

    def forget(self) -> None:
        """Drop what was read (after a rollback: pairs added in it are gone)."""
        self.pairs.clear()
        self.ids.clear()
        self.codes.clear()
        self.last = 0

    def _id(self, pair: Pair) -> int:
        found = self.ids.get(pair)
        if found is None:
            cur = self.db.execute("INSERT INTO words (form, lemma) VALUES (?, ?)", pair)
            found = int(cur.lastrowid or 0)
            self.ids[pair] = found
            self.pairs[found] = pair
            self.last = max(self.last, found)
        return found

    def encode(self, forms: str, lemmas: str) -> bytes:
        """The stored blob of a statement's forms and lemmas (inside a write transaction,
        after ``refresh``: new pairs are added to the table)."""
        if not forms and not lemmas:
            return b""
        fs, ls = forms.split(" "), lemmas.split(" ")
        if len(fs) == len(ls):
            codes = self.codes
            try:
                return b"".join([codes[pair] for pair in zip(fs, ls, strict=True)])
            except KeyError:
                pass
            get = self.ids.get
            ids = [get(pair) or self._id(pair) for pair in zip(fs, ls, strict=True)]
            for pair, n in zip(zip(fs, ls, strict=True), ids, strict=True):
                codes[pair] = varints([n])
        else:
            ids = [0, len(ls), *(self._id((w, w)) for w in ls), *(self._id((w, w)) for w in fs)]
        return varints(ids)

    def _pair_list(self, ids: list[int]) -> list[Pair]:
        pairs = self.pairs
        try:
            return [pairs[i] for i in ids]
        except KeyError:
            self.refresh()
            missing = [i for i in ids if i not in pairs]
            if missing:
                raise LookupError(f"word {missing[0]} is not in the corpus") from None
            return [pairs[i] for i in ids]

    def decode(self, blob: bytes) -> Pair:
        """(forms, lemmas) of a stored blob."""
        if not blob:
            return "", ""
        ids = numbers(blob)
        if ids[0] == 0:
            n = ids[1]
            lemmas = self._pair_list(ids[2 : 2 + n])
            written = self._pair_list(ids[2 + n :])
            return " ".join(f for f, _ in written), " ".join(lem for _, lem in lemmas)
        pairs = self._pair_list(ids)
        return " ".join([f for f, _ in pairs]), " ".join([lem for _, lem in pairs])

    def lemmas(self, blob: bytes) -> str:
        return self.decode(blob)[1]

    def forms(self, blob: bytes) -> str:
        return self.decode(blob)[0]
