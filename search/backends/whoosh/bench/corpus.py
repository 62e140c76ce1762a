"""A deterministic synthetic Dutch corpus and query set for the search benchmark.

The same construction as the shared ``bench/make_corpus.py`` (which produced the
engine figures in DESIGN.md), reimplemented here so that ``manage.py
benchmark_search`` needs nothing outside the project:

* a vocabulary of 30,000 words grown from the words of the organisation's
  procedure (:mod:`.seed_words`) with inflections and compounds;
* word frequencies follow a Zipf-Mandelbrot law, and a quarter of the words
  follow one of the previous word's three "collocates" (so phrases exist);
* body lengths are log-normal around 300 words (50 to 2,000), titles 5 to 10
  words; every document belongs to one of 100 groups (the client dossiers), and
  group 7 holds about 1 % of the documents (the restricted user's dossier);
* 20 queries: 5 common words, 5 rare compounds, 5 two-word AND, 5 phrases.

With the same seed a smaller corpus is a prefix of a larger one.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .seed_words import SEED_WORDS

VOCAB_TARGET = 30_000
SUFFIXES = ["en", "e", "s", "ing", "heid", "lijk"]
P_SUCC = 0.25  # probability that the next word is one of the previous' collocates
ZIPF_S, ZIPF_Q = 1.0, 2.7
GROUPS = 100
RESTRICTED_GROUP = 7
SEED = 20240611


@dataclass(frozen=True)
class Query:
    kind: str  # "common" | "rare" | "and2" | "phrase"
    terms: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.terms)

    @property
    def label(self) -> str:
        return f'"{self.text}"' if self.kind == "phrase" else self.text


@dataclass(frozen=True)
class Document:
    id: int
    group: int
    title: str
    body: str


class Corpus:
    """The vocabulary, the documents (generated lazily) and the queries."""

    def __init__(self, seed: int = SEED) -> None:
        self.seed = seed
        self._rng = random.Random(seed)  # noqa: S311 - not for security
        self._build_vocabulary()

    # ------------------------------------------------------------ vocabulary

    def _build_vocabulary(self) -> None:
        rng = self._rng
        seed_words = list(SEED_WORDS)
        content = [w for w in seed_words if len(w) >= 4]
        vocab_set = set(seed_words)
        inflections: list[str] = []
        compounds: list[str] = []
        for word in content:
            for suffix in SUFFIXES:
                base = word[:-1] if (word.endswith("e") and suffix[0] == "e") else word
                form = base + suffix
                if form not in vocab_set:
                    vocab_set.add(form)
                    inflections.append(form)
        while len(vocab_set) < VOCAB_TARGET:
            a, b = rng.choice(content), rng.choice(content)
            if a == b:
                continue
            form = a + rng.choice(["", "", "", "s", "en"]) + b
            if rng.random() < 0.3:
                form += rng.choice(SUFFIXES)
            if len(form) > 28 or form in vocab_set:
                continue
            vocab_set.add(form)
            compounds.append(form)
        generated = [(rng.random() * 0.5, w) for w in inflections] + [
            (rng.random(), w) for w in compounds
        ]
        generated.sort()
        self.vocab = seed_words + [w for _, w in generated]
        self.compounds = compounds
        size = len(self.vocab)
        cumulative, total = [], 0.0
        for rank in range(size):
            total += 1.0 / (rank + 1 + ZIPF_Q) ** ZIPF_S
            cumulative.append(total)
        self._cum = cumulative
        self._succ = [
            rng.choices(range(size), cum_weights=cumulative, k=3) for _ in range(size)
        ]

    # ------------------------------------------------------------- documents

    def _words(self, k: int) -> list[int]:
        rng = self._rng
        ws = rng.choices(range(len(self.vocab)), cum_weights=self._cum, k=k)
        succ = self._succ
        rand = rng.random
        for i in range(1, k):
            x = rand()
            if x < P_SUCC:
                ws[i] = succ[ws[i - 1]][int(x * 12) % 3]
        return ws

    def _sentences(self, ws: list[int]) -> str:
        rng = self._rng
        vocab = self.vocab
        out, i = [], 0
        while i < len(ws):
            n = rng.randint(6, 18)
            sentence = [vocab[j] for j in ws[i : i + n]]
            sentence[0] = sentence[0].capitalize()
            if len(sentence) > 8 and rng.random() < 0.4:
                p = rng.randint(3, len(sentence) - 3)
                sentence[p] += ","
            out.append(" ".join(sentence) + ".")
            i += n
        return " ".join(out)

    def documents(self, n: int) -> Iterator[Document]:
        """Generate the first ``n`` documents (call once per Corpus)."""
        rng = self._rng
        mu = math.log(300) - 0.72**2 / 2
        vocab = self.vocab
        for doc_id in range(1, n + 1):
            length = int(min(2000, max(50, rng.lognormvariate(mu, 0.72))))
            title_words = self._words(rng.randint(5, 10))
            title = " ".join(vocab[j] for j in title_words).capitalize()
            body = self._sentences(self._words(length))
            group = rng.randrange(GROUPS)
            yield Document(doc_id, group, title, body)

    # --------------------------------------------------------------- queries

    def queries(self) -> list[Query]:
        from whoosh.lang import stopwords_for_language

        vocab = self.vocab
        stop = set(stopwords_for_language("nl"))
        nonstop = [w for w in vocab if w not in stop and len(w) >= 4]
        qr = random.Random(7)  # noqa: S311 - not for security
        common = [nonstop[i] for i in (0, 2, 5, 9, 14)]
        compounds = set(self.compounds)
        rare = qr.sample([w for w in vocab[20000:29000] if w in compounds], 5)
        mid = nonstop[40:1500]
        and_q = [(qr.choice(mid[:300]), qr.choice(mid)) for _ in range(5)]
        rank = {w: i for i, w in enumerate(vocab)}
        phrases: list[list[str]] = []
        for word in nonstop[20:600]:
            s1 = vocab[self._succ[rank[word]][0]]
            if s1 in stop or len(s1) < 4 or s1 == word:
                continue
            if len(phrases) < 3:
                phrases.append([word, s1])
            else:
                s2 = vocab[self._succ[rank[s1]][0]]
                if s2 in stop or len(s2) < 4:
                    continue
                phrases.append([word, s1, s2])
            if len(phrases) == 5:
                break
        return (
            [Query("common", (w,)) for w in common]
            + [Query("rare", (w,)) for w in rare]
            + [Query("and2", tuple(p)) for p in and_q]
            + [Query("phrase", tuple(p)) for p in phrases]
        )


class FileCorpus:
    """The corpus and queries written by ``shared/bench/make_corpus.py``
    (``corpus.jsonl`` lines ``{"id", "g", "t", "b"}`` and ``queries.json`` beside
    it), so that the portal's figures compare with the engine baselines measured
    on those very files."""

    def __init__(self, path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"Corpusbestand niet gevonden: {self.path}")
        self.queries_path = self.path.with_name("queries.json")
        if not self.queries_path.is_file():
            raise FileNotFoundError(
                f"queries.json ontbreekt naast het corpus: {self.queries_path}"
            )

    def documents(self, n: int) -> Iterator[Document]:
        """The first ``n`` documents of the file; fewer lines is an error."""
        count = 0
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                if count == n:
                    return
                row = json.loads(line)
                count += 1
                yield Document(int(row["id"]), int(row["g"]), row["t"], row["b"])
        if count < n:
            raise ValueError(
                f"Het corpus heeft {count} documenten, gevraagd zijn er {n}."
            )

    def queries(self) -> list[Query]:
        rows = json.loads(self.queries_path.read_text("utf-8"))
        return [Query(row["kind"], tuple(row["terms"])) for row in rows]


def file_name(title: str, doc_id: int) -> str:
    """A plausible evidence file name: title words and a year.

    ("klacht-beoordeling-ciio-2024.pdf"). Deliberately without the document
    number: unique numbers in every name would make the autocomplete index of
    file names one of unique prefixes, which real file names are not.
    """
    words = re.findall(r"[a-zà-ÿ]+", title.lower())[:3]
    return "-".join([*words, str(2019 + doc_id % 8)]) + ".pdf"


__all__ = [
    "GROUPS",
    "RESTRICTED_GROUP",
    "Corpus",
    "Document",
    "FileCorpus",
    "Query",
    "file_name",
]
