"""Indonesian text for search: words, stems, stop words and the synonym list.

Plain functions without Flask, shared by indexing and querying so that an article and
a question are read the same way, and by both databases (each only stores and matches
the terms made here; neither stems by itself).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from markupsafe import Markup, escape

WORD = re.compile(r"[a-z0-9]+")
SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
# Search's own facet terms start with this; a word typed by a user never does.
FACET_PREFIX = "zz"
MAX_QUERY_TERMS = 8
MIN_PREFIX = 3

# Words of Sastrawi's stop list that carry meaning in this domain.
KEEP = {"akhir", "awal", "baru", "bulan", "data", "hari", "tahun", "masa", "kembali", "ganti"}


def fold(text: str) -> str:
    """Lower case, accents removed."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


@cache
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@cache
def stop_words() -> frozenset[str]:
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(StopWordRemoverFactory().get_stop_words()) - KEEP


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Sastrawi's stem of one folded word (numbers and codes stay as they are)."""
    if not word.isalpha() or len(word) <= 3:
        return word
    return _stemmer().stem(word) or word


@dataclass(frozen=True)
class Synonyms:
    canonical: dict[tuple[str, ...], str]  # stemmed form -> canonical term
    longest: int
    members: dict[str, frozenset[str]]  # canonical -> stems of all its forms' words


def parse_synonyms(lines: Iterable[str]) -> Synonyms:
    canonical: dict[tuple[str, ...], str] = {}
    members: dict[str, set[str]] = {}
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line or "=" not in line:
            continue
        head, _, tail = line.partition("=")
        term = "".join(words(head))
        if not term:
            continue
        members.setdefault(term, set())
        for form in [head, *tail.split(";")]:
            key = tuple(stem(w) for w in words(form))
            if key:
                canonical[key] = term
                members[term].update(key)
    longest = max((len(k) for k in canonical), default=1)
    return Synonyms(canonical, longest, {k: frozenset(v) for k, v in members.items()})


@cache
def synonyms() -> Synonyms:
    return parse_synonyms(SYNONYMS_FILE.read_text(encoding="utf-8").splitlines())


def _canonicalise(stems: list[str], *, keep_words: bool) -> list[str]:
    """Replace each form of a synonym group by its canonical term, longest form first.

    ``keep_words`` keeps the form's own words as well (indexing: "dana" alone still
    finds an article that spells out SP2D); a question drops them (querying: the
    phrase counts as the one term it names)."""
    syn = synonyms()
    out: list[str] = []
    i = 0
    while i < len(stems):
        for n in range(min(syn.longest, len(stems) - i), 0, -1):
            term = syn.canonical.get(tuple(stems[i : i + n]))
            if term is not None:
                if keep_words:
                    out.extend(s for s in stems[i : i + n] if s != term)
                out.append(term)
                i += n
                break
        else:
            out.append(stems[i])
            i += 1
    return out


def analyse(text: str) -> list[str]:
    """The index terms of a text, in order (stems, synonyms, no stop words)."""
    stems = [stem(w) for w in words(text)]
    stop = stop_words()
    return [
        t
        for t in _canonicalise(stems, keep_words=True)
        if t not in stop and not t.startswith(FACET_PREFIX)
    ]


@dataclass(frozen=True)
class QueryTerm:
    term: str
    prefix: bool = False  # the word being typed: matches terms starting with it


def query_terms(q: str, *, typing: bool = False) -> list[QueryTerm]:
    """The distinct terms of a question, at most MAX_QUERY_TERMS.

    With ``typing`` (as-you-type) the last word, unless followed by a space, is also
    matched as a prefix of index terms."""
    raw = words(q)
    if not raw:
        return []
    partial = raw[-1] if typing and not q[-1:].isspace() else None
    stems = _canonicalise([stem(w) for w in raw], keep_words=False)
    stop = stop_words()
    seen: dict[str, QueryTerm] = {}
    for t in stems:
        if t in stop or t.startswith(FACET_PREFIX) or t in seen:
            continue
        seen[t] = QueryTerm(t)
    if partial and len(partial) >= MIN_PREFIX and not partial.startswith(FACET_PREFIX):
        seen.pop(stem(partial), None)
        seen[partial] = QueryTerm(partial, prefix=True)
        if stem(partial) != partial and stem(partial) not in stop:
            seen[stem(partial)] = QueryTerm(stem(partial))
    terms = list(seen.values())
    return terms[-MAX_QUERY_TERMS:] if partial else terms[:MAX_QUERY_TERMS]


def _marks(terms: Iterable[QueryTerm]) -> tuple[frozenset[str], tuple[str, ...]]:
    syn = synonyms()
    exact: set[str] = set()
    prefixes: list[str] = []
    for t in terms:
        if t.prefix:
            prefixes.append(t.term)
        else:
            exact.add(t.term)
            exact |= syn.members.get(t.term, frozenset())
    return frozenset(exact), tuple(prefixes)


def highlight(text: str, terms: list[QueryTerm], *, window: int = 28) -> Markup:
    """The passage of ``text`` with most matching words, matches in <mark>, escaped.

    ``window`` words around the best spot; the whole text when it is shorter."""
    exact, prefixes = _marks(terms)
    tokens = list(re.finditer(r"\S+", text))
    if not tokens:
        return Markup("")

    @cache
    def hit(token: str) -> bool:
        for w in words(token):
            if stem(w) in exact or w in exact or (prefixes and w.startswith(prefixes)):
                return True
        return False

    flags = [hit(m.group()) for m in tokens]
    start = 0
    if len(tokens) > window:
        sums = [0]
        for f in flags:
            sums.append(sums[-1] + f)
        # The earliest window with the most matches.
        start = max(range(len(tokens) - window + 1), key=lambda i: (sums[i + window] - sums[i], -i))
    end = min(len(tokens), start + window)
    parts = []
    for i in range(start, end):
        token = escape(tokens[i].group())
        parts.append(Markup("<mark>{}</mark>").format(token) if flags[i] else token)
    out = Markup(" ").join(parts)
    if start > 0:
        out = Markup("… ") + out
    if end < len(tokens):
        out = out + Markup(" …")
    return out
