"""`eval merges`: run the whole pipeline per topic of an ECB+-style file and count false merges.

Input, one JSON object a line: `{"topic", "subtopic", "doc", "url", "sentences": [{"text"}, ...]}`
(other fields are ignored). Each topic holds articles about two different real events of the same
kind, told apart by `subtopic`. Every topic is ingested as articles into its own fresh store and run
through ingest → attribute → embed → cluster; a claim whose mentions come from articles of both
events is a false merge, the over-merging the equivalence decision must avoid.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from claims.errors import TerminalError
from claims.evaluation.pairs import detokenize
from claims.ids import normalise_text

if TYPE_CHECKING:
    from claims.cluster import PairScorer
    from claims.settings import Settings
    from claims.store import Connection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Doc:
    """One article of the file: its topic and event, id, outlet and detokenized body."""

    topic: str
    subtopic: str
    doc: str
    url: str | None
    body: str

    @property
    def outlet(self) -> str:
        """Return the url's domain, else the doc id (each doc is a different article)."""
        host = urlparse(self.url).hostname if self.url else None
        return host.removeprefix("www.") if host else self.doc


@dataclass(frozen=True)
class Mention:
    """One clustered mention, tied back to the doc (and so the event) it came from."""

    claim_id: str
    canonical: str
    text: str
    similarity: float
    doc: Doc


def read_docs(path: Path) -> list[Doc]:
    """Return the docs of a topics file; a malformed line raises TerminalError naming it."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TerminalError(f"cannot read topics file: {exc}", path=path) from exc
    docs = [_doc(line, path, n) for n, line in enumerate(lines, start=1) if line.strip()]
    if not docs:
        raise TerminalError("no documents in the topics file", path=path)
    return docs


def _doc(line: str, path: Path, line_no: int) -> Doc:
    expected = (
        "expected an object with 'topic', 'subtopic', 'doc' and 'sentences' "
        "(a list of objects with a 'text' string)"
    )
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TerminalError(f"line {line_no}: not JSON ({exc.msg})", path=path) from exc
    if not isinstance(value, dict) or any(value.get(k) in (None, "") for k in _KEYS):
        raise TerminalError(f"line {line_no}: {expected}", path=path)
    sentences = value["sentences"]
    if not isinstance(sentences, list) or not all(
        isinstance(s, dict) and isinstance(s.get("text"), str) for s in sentences
    ):
        raise TerminalError(f"line {line_no}: {expected}", path=path)
    # One sentence a paragraph: the tokenized text has no paragraph marks, and a sentence per
    # paragraph keeps headlines and datelines from running into the first sentence.
    body = "\n\n".join(detokenize(_join_numbers(s["text"])) for s in sentences)
    url = value.get("url") if isinstance(value.get("url"), str) else None
    return Doc(str(value["topic"]), str(value["subtopic"]), str(value["doc"]), url, body)


_KEYS = ("topic", "subtopic", "doc", "sentences")
# ECB+ tokenization splits numbers apart ("6 . 1", "1 , 300", "20 - 13"); detokenized as "6. 1"
# the splitter ends a sentence there and the number signals see two numbers. A period or hyphen
# between digits inside one sentence is a decimal point or a score/range; a comma between a group
# of up to three digits and exactly three is a thousands separator ("in 2008 , 300" stays apart).
_DECIMAL_OR_SCORE = re.compile(r"(?<=\d) ([.-]) (?=\d)")
_THOUSANDS = re.compile(r"\b(\d{1,3}) , (?=\d{3}\b)")


def _join_numbers(text: str) -> str:
    """Return tokenized text with split numbers rejoined ("6 . 1" -> "6.1")."""
    return _THOUSANDS.sub(r"\1,", _DECIMAL_OR_SCORE.sub(r"\1", text))


def run_topic(
    docs: list[Doc], settings: Settings, encoder: Any, scorer: PairScorer
) -> tuple[list[Mention], int]:
    """Return every clustered mention of one topic's docs and how many docs ingest rejected."""
    from claims import claimstore, store
    from claims.pipeline import attribute_stage, embed_stage, ingest_stage

    with tempfile.TemporaryDirectory(prefix="claimtrack-merges-") as tmp:
        source = Path(tmp) / "topic.jsonl"
        source.write_text("".join(_article_line(d) for d in docs), encoding="utf-8")
        db = Path(tmp) / "eval.duckdb"
        topic_settings = settings.model_copy(update={"db": db})
        con = store.connect(db)
        try:
            run_id = store.start_run(con, "claimtrack eval merges")
            counts = ingest_stage(con, [source], run_id, topic_settings)
            attribute_stage(con, run_id)
            embed_stage(con, topic_settings, run_id, encoder=encoder)
            claimstore.cluster_pending(
                con, topic_settings, run_id, scorer=scorer, model=encoder.model_id
            )
            store.finish_run(con, run_id, counts)
            return _mentions(con, docs), int(counts.get("articles_rejected", 0))
        finally:
            con.close()


def _article_line(doc: Doc) -> str:
    """Return the doc as a JSON Lines article for ingest (no published time: none is known)."""
    return json.dumps({"text": doc.body, "outlet": doc.outlet, "url": doc.url}) + "\n"


def _mentions(con: Connection, docs: list[Doc]) -> list[Mention]:
    """Return the clustered mentions of the store, each tied to its doc by source line."""
    # JSON Lines articles record `<file>:<line>`; line i of the one source file is docs[i - 1].
    by_line = {str(i): d for i, d in enumerate(docs, start=1)}
    rows = con.execute(
        """SELECT cm.claim_id, c.canonical_text, cm.text, cm.similarity, a.source_path
           FROM main.claim_mentions cm
           JOIN main.claims c USING (claim_id)
           JOIN main.articles a USING (article_id)
           ORDER BY cm.claim_id, cm.mention_id"""
    ).fetchall()
    return [
        Mention(r[0], r[1], r[2], float(r[3] or 0.0), by_line[r[4].rsplit(":", 1)[1]]) for r in rows
    ]


def evaluate_merges(
    path: Path,
    settings: Settings | None = None,
    encoder: Any = None,
    scorer: PairScorer | None = None,
    limit_topics: int | None = None,
    examples: int = 0,
) -> dict[str, Any]:
    """Return over-merging counts: claims whose mentions span both events of a topic.

    `false_merge_rate` is cross-event claims / cross-document claims. `examples` asks for that
    many false merges (largest first, one per topic before a second), listed under "examples".
    """
    from claims.embed import get_encoder
    from claims.equivalence import claim_decision, default_scorer
    from claims.settings import Settings

    docs = read_docs(Path(path))
    settings = settings or Settings()  # type: ignore[call-arg]
    encoder = encoder or get_encoder(settings)  # loaded once for every topic
    scorer = scorer or default_scorer()
    topics: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        topics[doc.topic].append(doc)
    names = sorted(topics, key=_natural)[:limit_topics]
    claims: dict[tuple[str, str], list[Mention]] = {}
    rejected = 0
    for name in names:
        mentions, topic_rejected = run_topic(topics[name], settings, encoder, scorer)
        rejected += topic_rejected
        for m in mentions:
            claims.setdefault((name, m.claim_id), []).append(m)
        log.info("eval merges: topic %s done (%d mentions)", name, len(mentions))
    metrics = _metrics(claims)
    metrics = {"topics": len(names), "documents": sum(len(topics[n]) for n in names)} | metrics
    metrics["documents_rejected"] = rejected
    metrics["model"] = str(encoder.model_id)
    threshold = claim_decision(settings, scorer).threshold  # the one clustering used
    metrics["scorer"] = f"{type(scorer).__name__} at {threshold:.4f}"
    metrics["by_topic"] = _by_topic(names, claims)
    metrics["examples"] = _examples(claims, examples)
    return metrics


def _natural(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (1 << 62, name)


def _docs(mentions: list[Mention]) -> set[str]:
    return {m.doc.doc for m in mentions}


def _events(mentions: list[Mention]) -> set[str]:
    return {m.doc.subtopic for m in mentions}


def _metrics(claims: dict[tuple[str, str], list[Mention]]) -> dict[str, Any]:
    """Return the claim, cross-document and cross-event (false merge) counts and rate.

    `false_merges_verbatim` counts the false merges in which both events carry one same text.
    """
    cross_doc = [ms for ms in claims.values() if len(_docs(ms)) >= 2]
    false = [ms for ms in cross_doc if len(_events(ms)) >= 2]
    return {
        "mentions": sum(len(ms) for ms in claims.values()),
        "claims": len(claims),
        "cross_document_claims": len(cross_doc),
        "cross_event_claims": len(false),
        "false_merge_rate": round(len(false) / len(cross_doc), 4) if cross_doc else 0.0,
        "mentions_in_false_merges": sum(len(ms) for ms in false),
        "false_merges_verbatim": sum(_verbatim_across(ms) for ms in false),
    }


def _verbatim_across(mentions: list[Mention]) -> bool:
    """Return whether two events carry the same words: shared background copy (a 2004 tsunami
    recalled by reports of two later quakes) merged as it should be, not a decision error."""
    texts: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        texts[normalise_text(m.text).casefold()].add(m.doc.subtopic)
    return any(len(events) >= 2 for events in texts.values())


def _by_topic(names: list[str], claims: dict[tuple[str, str], list[Mention]]) -> dict[str, str]:
    """Return per topic 'cross-event / cross-document claims'."""
    tally = {name: [0, 0] for name in names}
    for (name, _), ms in claims.items():
        if len(_docs(ms)) >= 2:
            tally[name][1] += 1
            tally[name][0] += len(_events(ms)) >= 2
    return {name: f"{t[0]}/{t[1]}" for name, t in tally.items()}


def _examples(claims: dict[tuple[str, str], list[Mention]], n: int) -> list[dict[str, Any]]:
    """Return up to n false merges, largest first, spread over topics before repeating one."""
    false = [(key, ms) for key, ms in claims.items() if len(_events(ms)) >= 2]
    false.sort(key=lambda kv: (-len(kv[1]), _natural(kv[0][0]), kv[0][1]))
    # Rank within its topic first: the largest merge of every topic comes before any second one.
    rank: dict[str, int] = defaultdict(int)
    ordered = []
    for key, ms in false:
        ordered.append((rank[key[0]], key[0], ms))
        rank[key[0]] += 1
    ordered.sort(key=lambda r: r[0])  # stable: size order is kept within a rank
    return [_example(topic, ms) for _, topic, ms in ordered[:n]]


def _example(topic: str, mentions: list[Mention]) -> dict[str, Any]:
    """Return a false merge: canonical text and each event's mention closest to it."""
    best: dict[str, Mention] = {}
    for m in mentions:
        if m.doc.subtopic not in best or m.similarity > best[m.doc.subtopic].similarity:
            best[m.doc.subtopic] = m
    return {
        "topic": topic,
        "canonical_text": mentions[0].canonical,
        "n_mentions": len(mentions),
        "n_documents": len(_docs(mentions)),
        "events": {e: f"[{m.doc.doc}] {m.text}" for e, m in sorted(best.items())},
    }


def example_lines(metrics: dict[str, Any]) -> list[str]:
    """Return the metrics' example false merges as printable lines."""
    lines = []
    for ex in metrics.get("examples", []):
        head = f"topic {ex['topic']}, {ex['n_mentions']} mentions in {ex['n_documents']} docs"
        lines += [f"{head}: {ex['canonical_text']}"]
        lines += [f"    {event}: {text}" for event, text in ex["events"].items()]
    return lines


def main(argv: list[str] | None = None) -> None:
    """Print the metrics (and examples) for `python -m claims.evaluation.merges FILE [N]`."""
    import sys
    import time

    args = sys.argv[1:] if argv is None else argv
    if not args:
        raise SystemExit("usage: python -m claims.evaluation.merges FILE.jsonl [EXAMPLES]")
    start = time.perf_counter()
    metrics = evaluate_merges(Path(args[0]), examples=int(args[1]) if len(args) > 1 else 0)
    print("\n".join(example_lines(metrics)))
    for key, value in metrics.items():
        if key != "examples":
            print(f"{key}: {value}")
    print(f"wall_seconds: {time.perf_counter() - start:.1f}")


if __name__ == "__main__":
    main()
