"""The floor for ``synth tag --format jsonl --lines -``: spaCy's blank Swedish tokenizer
over each line of standard input, writing one JSON line of the same shape per line.

    python bench/tag_floor.py < statements.txt > /dev/null
"""

from __future__ import annotations

import json
import sys

import spacy


def main() -> None:
    nlp = spacy.blank("sv")
    write = sys.stdout.write
    for line in sys.stdin:
        text = line.strip()
        nlp.make_doc(text)
        record = {"text": text, "shifts": [], "concepts": [], "factors": [], "evidence": []}
        write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
