"""The metrics, as pure functions over spans, strings and numbers (no I/O, no pipeline).

Spans are ``(start, end)`` character offsets into the article text. A retrieved passage or a
cited quote is *relevant* to an evidence span when the two overlap (containing it is the common
case; a chunk boundary that cuts the evidence still counts). Retrieval metrics are over the
evidence spans of one question: Recall@k is the share of them that the top k passages cover, so a
row with two evidence spans needs both for full recall; Hit@k asks only for one.

Answer metrics compare a response with the acceptable answers after ``normalize.tokens`` and
take the best answer: SQuAD's exact match and token F1, and "contains an acceptable answer".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from evaluation.normalize import tokens
from rag import citations, language

Span = tuple[int, int]


def overlaps(a: Span, b: Span) -> bool:
    """True when two half-open spans share at least one character.

    >>> overlaps((0, 10), (5, 20)), overlaps((0, 10), (10, 20))
    (True, False)
    """
    return a[0] < b[1] and b[0] < a[1]


def first_ranks(ranking: Sequence[Span], evidence: Sequence[Span], k: int) -> list[int | None]:
    """For each evidence span, the 1-based rank of the first passage in the top k that covers it.

    >>> first_ranks([(0, 10), (50, 90), (20, 40)], [(30, 35), (60, 70), (95, 99)], 3)
    [3, 2, None]
    """
    out: list[int | None] = []
    for span in evidence:
        out.append(next((i for i, p in enumerate(ranking[:k], 1) if overlaps(p, span)), None))
    return out


def recall_at_k(ranking: Sequence[Span], evidence: Sequence[Span], k: int) -> float | None:
    """Share of evidence spans covered by the top k passages (None without evidence).

    >>> recall_at_k([(0, 10), (50, 90)], [(5, 8), (95, 99)], 3)
    0.5
    """
    if not evidence:
        return None
    ranks = first_ranks(ranking, evidence, k)
    return sum(r is not None for r in ranks) / len(evidence)


def hit_at_k(ranking: Sequence[Span], evidence: Sequence[Span], k: int) -> float | None:
    """1.0 when any of the top k passages covers any evidence span (None without evidence).

    >>> hit_at_k([(0, 10), (50, 90)], [(5, 8), (95, 99)], 1), hit_at_k([(50, 90)], [(5, 8)], 3)
    (1.0, 0.0)
    """
    if not evidence:
        return None
    return 1.0 if any(r is not None for r in first_ranks(ranking, evidence, k)) else 0.0


def mrr_at_k(ranking: Sequence[Span], evidence: Sequence[Span], k: int) -> float | None:
    """Reciprocal rank of the first relevant passage in the top k, 0 if none (None without evidence).

    >>> mrr_at_k([(0, 10), (50, 90), (20, 40)], [(30, 35)], 3), mrr_at_k([(0, 10)], [(30, 35)], 3)
    (0.3333333333333333, 0.0)
    """
    if not evidence:
        return None
    ranks = [r for r in first_ranks(ranking, evidence, k) if r is not None]
    return 1.0 / min(ranks) if ranks else 0.0


def ndcg_at_k(ranking: Sequence[Span], evidence: Sequence[Span], k: int = 10) -> float | None:
    """nDCG with binary gain per evidence span, found at the rank of the first passage covering it.

    The ideal puts each span's passage at ranks 1, 2, ...; a passage covering several spans can
    only help, so the score is capped at 1.

    >>> ndcg_at_k([(0, 10), (20, 40)], [(25, 30)])
    0.6309297535714575
    >>> ndcg_at_k([(0, 100)], [(5, 8), (50, 60)])
    1.0
    """
    if not evidence:
        return None
    dcg = sum(1 / math.log2(r + 1) for r in first_ranks(ranking, evidence, k) if r is not None)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(evidence), k) + 1))
    return min(1.0, dcg / ideal)


def exact_match(response: str, answers: Sequence[str]) -> float:
    """1.0 when the normalised response equals a normalised acceptable answer.

    >>> exact_match("On 9 October.", ["October 9"]), exact_match("9 October 2025", ["9 October"])
    (1.0, 0.0)
    """
    got = tokens(response)
    return 1.0 if any(got == tokens(a) for a in answers if tokens(a)) else 0.0


def token_f1(response: str, answers: Sequence[str]) -> float:
    """SQuAD token F1 against the best acceptable answer.

    >>> round(token_f1("9 October 2025", ["October 9"]), 3)
    0.8
    """
    got = tokens(response)
    best = 0.0
    for answer in answers:
        want = tokens(answer)
        common = sum((Counter(got) & Counter(want)).values())
        if not got or not want or not common:
            continue
        precision, recall = common / len(got), common / len(want)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


def contains_answer(response: str, answers: Sequence[str]) -> float:
    """1.0 when some acceptable answer's tokens occur, in order and together, in the response.

    >>> contains_answer("The summit was held на 9 октомври в Душанбе [1].", ["October 9"])
    1.0
    >>> contains_answer("It was held in October.", ["October 9"])
    0.0
    """
    got = tokens(response)
    for answer in answers:
        want = tokens(answer)
        if want and any(got[i : i + len(want)] == want for i in range(len(got) - len(want) + 1)):
            return 1.0
    return 0.0


def citation_precision(cited: Sequence[Span], evidence: Sequence[Span]) -> float | None:
    """Share of citations whose quote overlaps an evidence span (None when nothing is cited).

    >>> citation_precision([(0, 10), (40, 50)], [(5, 20)])
    0.5
    """
    if not cited:
        return None
    return sum(any(overlaps(c, e) for e in evidence) for c in cited) / len(cited)


def citation_recall(cited: Sequence[Span], evidence: Sequence[Span]) -> float | None:
    """Share of evidence spans overlapped by some citation (None without evidence).

    >>> citation_recall([(0, 10)], [(5, 20), (30, 40)])
    0.5
    """
    if not evidence:
        return None
    return sum(any(overlaps(c, e) for c in cited) for e in evidence) / len(evidence)


def abstention(outcomes: Sequence[tuple[bool, bool]]) -> dict[str, float | None]:
    """Precision and recall of abstaining on unanswerable rows, and the false-refusal rate.

    ``outcomes`` holds ``(answerable, abstained)`` per row; an undefined ratio is None.

    >>> abstention([(False, True), (False, False), (True, True), (True, False), (True, False)])
    {'abstention_precision': 0.5, 'abstention_recall': 0.5, 'false_refusal_rate': 0.3333333333333333}
    """
    refused = [answerable for answerable, abstained in outcomes if abstained]
    unanswerable = sum(not answerable for answerable, _ in outcomes)
    answerable = len(outcomes) - unanswerable
    correct = sum(not a for a in refused)
    return {
        "abstention_precision": correct / len(refused) if refused else None,
        "abstention_recall": correct / unanswerable if unanswerable else None,
        "false_refusal_rate": (len(refused) - correct) / answerable if answerable else None,
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation, like numpy's default.

    >>> percentile([10, 20, 30, 40], 50), percentile([10, 20, 30, 40], 95), percentile([], 50)
    (25.0, 38.5, None)
    """
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"q must be in [0, 100], got {q}")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (pos - low))


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the values that are not None (None when there are none).

    >>> mean([1.0, None, 0.0]), mean([None])
    (0.5, None)
    """
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def answer_language(response: str, expected: str) -> float | None:
    """1.0 when the answer, its quotations and markers removed, is written in ``expected``.

    An answer that is nothing but a quotation (or empty) is not in the reader's language.

    >>> answer_language("On 9 October [1].", "en"), answer_language("„Срещата е в Душанбе“ [1]", "en")
    (1.0, 0.0)
    >>> answer_language("Самарканд, Бишкек, Душанбе, Ашхабад, Ташкент и Аваза [1].", "ru")  # names only
    1.0
    >>> answer_language("Азербайджан [1].", "bg"), answer_language("Астана [1].", "en")
    (1.0, 0.0)
    """
    own = re.sub(r"\[\d+(?:\s*[,;]\s*\d+)*\]", " ", citations.strip_quoted(response))
    if not re.search(r"[^\W\d_]", own):
        return 0.0
    if not _script_fits(own, expected):
        return 0.0
    words = re.findall(r"[^\W\d_]+", own)
    names = [w for w in words if w[:1].isupper() or w in ("и", "and")]  # "Пекин, Вашингтон и Токио"
    if len(names) == len(words):  # "Азербайджан [1].": a name is no language's (its script fits)
        return 1.0
    if len(words) <= 4:  # "30 August – 3 September": too short to tell apart
        other = {"bg": "ru", "ru": "bg"}.get(expected)  # short Cyrillic: wrong only if clearly the other
        return 0.0 if other and language.detect(own, expected) == other else 1.0
    return 1.0 if language.detect(own, "?") in (expected, "?") else 0.0


def _script_fits(text: str, expected: str) -> bool:
    """Latin letters for English, Cyrillic for Bulgarian and Russian (most of the letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters) / max(len(letters), 1)
    return cyrillic < 0.5 if expected == "en" else cyrillic >= 0.5 if expected in ("bg", "ru") else True
