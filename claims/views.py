"""Public views: the database's API. Names and column order are stable; new columns go last.

Each view and column carries its documentation here; `store.migrate` applies it with COMMENT ON and
`claims.docs` renders the same text into the README.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    name: str
    doc: str
    columns: tuple[tuple[str, str], ...]
    select: str

    def create_sql(self) -> str:
        return f"CREATE OR REPLACE VIEW main.{self.name} AS {self.select}"


ARTICLES = View(
    "articles",
    "One row per ingested article (after cleaning; the raw text stays in store.articles).",
    (
        ("article_id", "Stable id: hash of outlet + normalised text."),
        (
            "outlet",
            "Outlet name: explicit metadata, seed metadata, URL domain, credit line, else unknown.",
        ),
        ("title", "Article title."),
        ("url", "Source URL when known."),
        ("published_at", "Publication time when the article or its metadata gives one."),
        ("source_path", "File the article was read from (line number appended for JSON Lines)."),
        ("ingested_at", "When claimtrack first stored the article."),
        (
            "outlet_rule",
            "Which rule gave the outlet: metadata, metadata_file, url, credit, unknown.",
        ),
        ("run_id", "Run that stored the article."),
    ),
    """SELECT article_id, outlet, title, url, published_at, source_path, ingested_at,
              outlet_rule, run_id
       FROM store.articles""",
)

SENTENCES = View(
    "sentences",
    "One row per sentence of a cleaned article body, with who it is attributed to.",
    (
        ("sentence_id", "Stable id: hash of article id, offsets and text."),
        ("article_id", "Article the sentence belongs to."),
        ("outlet", "Outlet of that article."),
        ("position", "0-based sentence number within the article."),
        ("text", "Sentence text."),
        ("char_start", "Start offset into the article's cleaned body."),
        ("char_end", "End offset (exclusive) into the cleaned body."),
        ("attribution_kind", "direct, partial, indirect, according_to or unattributed."),
        ("speaker", "Speaker resolved to its fullest name in the article (e.g. 'John Kirby')."),
        ("speaker_type", "person, organisation, anonymous or document."),
        (
            "speaker_title",
            "Title or role given with the speaker (e.g. 'State Department spokesman').",
        ),
        ("cue", "The attribution cue as written ('said', 'told reporters', 'according to')."),
        ("via", "Second-hand source when there is one ('Russian agencies')."),
        ("speaker_as_written", "The speaker as the sentence writes it ('Mr. Kirby', 'he')."),
        ("attribution_rule", "Name of the rule that decided the attribution."),
        (
            "attribution_uncertain",
            "True when the rules could not settle it (e.g. unbalanced quotes).",
        ),
        ("quote_start", "Start offset of the quoted span in the cleaned body, if any."),
        ("quote_end", "End offset of the quoted span in the cleaned body, if any."),
    ),
    """SELECT s.sentence_id, s.article_id, a.outlet, s.position, s.text, s.char_start, s.char_end,
              t.kind AS attribution_kind, t.speaker, t.speaker_type, t.speaker_title, t.cue, t.via,
              t.speaker_as_written, t.rule AS attribution_rule,
              t.uncertain AS attribution_uncertain,
              t.quote_start, t.quote_end
       FROM store.sentences s
       JOIN store.articles a USING (article_id)
       LEFT JOIN store.attributions t USING (sentence_id)""",
)

DROPPED_LINES = View(
    "dropped_lines",
    "Lines the cleaner removed from an article (site chrome, duplicates) and the rule that fired.",
    (
        ("article_id", "Article the line came from."),
        ("outlet", "Outlet of that article."),
        ("line_no", "1-based line number in the original text."),
        ("text", "The removed line."),
        ("rule", "Name of the cleaning rule that removed it."),
    ),
    """SELECT d.article_id, a.outlet, d.line_no, d.text, d.rule
       FROM store.dropped_lines d JOIN store.articles a USING (article_id)""",
)

INGEST_ERRORS = View(
    "ingest_errors",
    "Inputs that could not be ingested, one row per file (or JSON line) and reason.",
    (
        ("source_path", "The file that was rejected."),
        ("line_no", "Line number inside the file, for JSON Lines inputs."),
        ("reason", "Why it was rejected."),
        ("transient", "True when retrying may help."),
        ("occurred_at", "When it happened."),
        ("run_id", "Run that met the error."),
    ),
    "SELECT source_path, line_no, reason, transient, occurred_at, run_id FROM store.ingest_errors",
)

RUNS = View(
    "runs",
    "One row per pipeline run: what it did and how it ended.",
    (
        ("run_id", "Run id."),
        ("started_at", "Start time."),
        ("finished_at", "End time (NULL while running or if killed)."),
        ("status", "running, completed, failed."),
        ("command", "What started it (CLI command or Prefect deployment)."),
        ("flow_run_id", "Prefect flow-run id when run as a flow."),
        ("articles_new", "Articles stored by this run."),
        ("articles_present", "Articles that were already in the store."),
        ("articles_rejected", "Inputs rejected (see ingest_errors)."),
        ("sentences_new", "Sentences stored by this run."),
        ("counts", "All stage counts as JSON."),
        ("error", "Error message when the run failed."),
    ),
    """SELECT run_id, started_at, finished_at, status, command, flow_run_id, articles_new,
              articles_present, articles_rejected, sentences_new, counts, error
       FROM store.runs""",
)

CLAIMS = View(
    "claims",
    "One row per claim: equivalent statements clustered across outlets.",
    (
        ("claim_id", "Stable claim id (kept across runs and reclustering)."),
        ("canonical_text", "Text of the most central mention."),
        ("n_outlets", "Number of distinct outlets carrying the claim."),
        ("n_mentions", "Number of mentions."),
        ("first_seen", "Earliest published_at of a mention (else its ingest time)."),
        ("first_outlet", "Outlet of that earliest mention."),
        ("flags", "Fact-check flags: numbers_differ, speakers_differ, attribution_dropped."),
    ),
    """WITH m AS (
           SELECT cm.claim_id, mn.mention_id, a.outlet,
                  coalesce(a.published_at, a.ingested_at) AS seen_at
           FROM store.claim_members cm
           JOIN store.mentions mn USING (mention_id)
           JOIN store.articles a ON a.article_id = mn.article_id),
       agg AS (
           SELECT claim_id, count(DISTINCT outlet) AS n_outlets, count(*) AS n_mentions,
                  min(seen_at) AS first_seen, arg_min(outlet, (seen_at, outlet)) AS first_outlet
           FROM m GROUP BY claim_id),
       fl AS (
           SELECT claim_id, list(flag ORDER BY flag) AS flags FROM store.claim_flags GROUP BY 1)
       SELECT c.claim_id, cm.text AS canonical_text, agg.n_outlets, agg.n_mentions,
              agg.first_seen, agg.first_outlet, coalesce(fl.flags, []::TEXT[]) AS flags
       FROM store.claims c
       JOIN agg USING (claim_id)
       JOIN store.mentions cm ON cm.mention_id = c.canonical_mention_id
       LEFT JOIN fl USING (claim_id)""",
)

CLAIM_MENTIONS = View(
    "claim_mentions",
    "One row per mention of a claim: the outlet's wording and attribution.",
    (
        ("claim_id", "Claim the mention belongs to."),
        ("sentence_id", "Sentence the mention comes from."),
        ("article_id", "Article of that sentence."),
        ("outlet", "Outlet of that article."),
        ("published_at", "Article publication time (else NULL)."),
        ("text", "Mention text: the sentence, or the quotation inside it."),
        ("similarity", "Cosine similarity to the claim's canonical mention."),
        ("copy_kind", "verbatim (same words), edited (small edit distance) or paraphrase."),
        ("attribution_kind", "Attribution of the sentence (see sentences)."),
        ("speaker", "Resolved speaker of the sentence."),
        ("cue", "Attribution cue."),
        ("mention_id", "Stable mention id."),
        (
            "mention_kind",
            "sentence, quote or clause (a clause stating a quantity, or the sentence's main "
            "clause without its framing).",
        ),
    ),
    """SELECT cm.claim_id, mn.sentence_id, mn.article_id, a.outlet, a.published_at, mn.text,
              cm.similarity, cm.copy_kind, t.kind AS attribution_kind, t.speaker, t.cue,
              mn.mention_id, mn.kind AS mention_kind
       FROM store.claim_members cm
       JOIN store.mentions mn USING (mention_id)
       JOIN store.articles a ON a.article_id = mn.article_id
       LEFT JOIN store.attributions t ON t.sentence_id = mn.sentence_id""",
)

PUBLIC_VIEWS: tuple[View, ...] = (
    ARTICLES,
    SENTENCES,
    DROPPED_LINES,
    INGEST_ERRORS,
    RUNS,
    CLAIMS,
    CLAIM_MENTIONS,
)
