"""Site-chrome rules: predicates over one normalised line, each naming a kind of page furniture.

Each rule is written for a kind of chrome seen on news sites in general (share bars, app and
newsletter promos, cookie and ad-blocker notices, breadcrumbs, datelines, credits), and is kept
narrow — usually to short lines — because dropping a real sentence costs more than keeping chrome.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

_WORD = re.compile(r"[\w'\u2019]+")
_KEY_JUNK = re.compile(r"\W+")
_QUOTE_START = re.compile(r"^[\"\u201c\u2018'\u00ab]")
_SENTENCE_END = re.compile(r"[.!?\u2026][\"\u201d\u2019')]*$")
_READER = re.compile(r"\b(you|your|yours|we|us|our|let's|let\u2019s)\b", re.I)

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}


def _vocab(words: str) -> frozenset[str]:
    """Return a vocabulary written as whitespace-separated words (compact to read and edit)."""
    return frozenset(words.split())


_WEEKDAYS = _vocab(
    "monday tuesday wednesday thursday friday saturday sunday"
    " mon tue tues wed thu thur thurs fri sat sun"
)
_TIME_WORDS = _vocab(
    "am pm a m p gmt utc et est edt pt pst pdt bst cet cest ist today yesterday at on of"
    " th st nd rd"
)
_SOCIAL = _vocab(
    "facebook twitter instagram youtube linkedin whatsapp telegram pinterest reddit tiktok"
    " snapchat rss email e-mail messenger flipboard threads bluesky mastodon vk weibo wechat"
    " line print copy link share tweet google"
)
_LINKING = _vocab("on us and via the for with in to at")
_PLATFORMS = _vocab(
    "android ios iphone ipad app store google play apple windows phone huawei appgallery"
    " amazon kindle fire"
)
_UI_WORDS = _vocab(
    "comment comments reply replies share tweet email print save saved menu search login log in"
    " sign out subscribe close skip next previous prev back to top loading more show load view"
    " advertisement advertising ad listen play pause expand collapse bookmark like follow home"
    " continue reading article story sponsored open toggle navigation all the this photos"
    " gallery video videos and a post content main page"
)
_NAV_WORDS = _vocab(
    "home news world sports sport business politics opinion entertainment tech technology"
    " health science lifestyle travel video videos photos menu search login subscribe contact"
    " about us more latest trending top stories local national middle east asia europe africa"
    " americas uk india culture arts style food weather markets economy education environment"
    " climate live tv radio podcasts newsletters features region regions international nation"
    " city metro columns editorial blogs careers jobs games puzzles magazine & and the"
)
_CTA_START = re.compile(
    r"(?:^|(?<=[.!?]\s))(click|tap|find|search|browse|compare|discover|explore|visit|download"
    r"|subscribe|sign up|register|join|follow|check out|watch|listen|share|like|contact|book"
    r"|learn more|donate|sign in|log in|read more|see more|get the app|install|enter)\b(?!-)",
    re.I,
)
_REPORTED = re.compile(
    r"\b(?:said|says|told|tells|according to|warned|added|announced|reported|stated)\b", re.I
)
_APPEAL = re.compile(
    r"\b(?:disable|turn off|pause|whitelist|allowlist|unblock)\b|\blet[\u2019']s\b|\(why\?\)"
    r"|\byou(?:'re|\u2019re| are)? (?:using|running|have)\b",
    re.I,
)
_CTA_TARGET = re.compile(r"\b(your|our|us|here|now|today|below|above|app|free)\b", re.I)

_PATTERNS: dict[str, re.Pattern[str]] = {
    "ad_blocker": re.compile(
        r"\b(ad[- ]?block(?:er|ers|ing)?|block(?:ing)? ads|disable (?:your )?ad|whitelist)\b", re.I
    ),
    "cookie": re.compile(r"\bcookies?\b.*\b(polic(?:y|ies)|consent|accept|settings|use)\b", re.I),
    "advert": re.compile(
        r"^(advertisement|advertising|ad|sponsored(?: content| post| links?)?|promoted(?: content)?"
        r"|paid (?:content|post|partner(?:ship)?)|story continues below(?: advertisement)?"
        r"|continue reading(?: below| the main story)?|scroll to continue(?: with content)?)\W*$",
        re.I,
    ),
    "comment": re.compile(
        r"^((do|did|would|what do|how do) you (like|think|enjoy|feel|agree)\b.*\?"
        r"|(leave|post|add|write|show|view|load|see|read) (a |the |all |your |\d+ )?"
        r"(comments?|repl(y|ies))\b.*"
        r"|(\d+ )?comments?\W*|join the (conversation|discussion)\b.*"
        r"|share your (thoughts|views|comments|opinion)\b.*"
        r"|was this (article|story|page) (helpful|useful)\b.*)$",
        re.I,
    ),
    # "Follow us", "Like us on ...", "Follow Jane Doe on Twitter @jdoe": imperative at the start.
    "follow": re.compile(
        r"^(?:follow|like|find|join) (?:us|me)\b"
        r"|^follow\b(?!-)[^.!?]*\bon (?:twitter|x|facebook|instagram|threads|bluesky|linkedin"
        r"|youtube|tiktok|telegram|whatsapp|mastodon)\b|^follow @",
        re.I,
    ),
    "app": re.compile(r"^(?:download|get|install|try)\b.*\bapps?\b|\bapps?\s*:$", re.I),
    "newsletter": re.compile(
        r"^(?:sign up|subscribe|register)\b.*\b(?:newsletter|inbox|updates|alerts|briefing|free"
        r"|today|now|here)\b"
        r"|^(?:get|receive|join)\b.*\b(?:newsletter|inbox|alerts|briefing)\b"
        r"|\bnewsletter\b.*\b(sign up|subscribe|inbox)\b",
        re.I,
    ),
    "related": re.compile(
        r"^(read more|read also|also read|more|see also|related(?: articles?| stories| content"
        r"| coverage| news| topics| posts)?|recommended(?: for you| stories)?"
        r"|more (?:from|on|about|stories|news|in)\b[^.!?]*|you (?:may|might) also like"
        r"|trending(?: now)?|most (?:read|popular|viewed|shared)|top stories|latest(?: news)?"
        r"|editor'?s picks?|don'?t miss|must read|in case you missed it)"
        r"\s*(?:[:|>\u00bb\u203a\u2013\u2014-]|$)",
        re.I,
    ),
    "click_here": re.compile(r"\bclick (here|on the link|the link|below)\b", re.I),
    # Case-sensitive on purpose: "\u00a9 2016" or "\u00a9 Name", not mojibake ("clich\u00c3\u00a9").
    "copyright": re.compile(
        r"\u00a9\s*(?:\d{4}|[A-Z])|\([cC]\)\s*\d{4}|\b(?i:all rights reserved)\b"
        r"|^(?i:copyright)\b\W*(?:\([cC]\)\W*)?\d{4}"
    ),
    "photo_label": re.compile(
        r"^(photos?|image|images|picture|photograph|video|graphic|illustration|credit|photo credit"
        r"|file photo|source|caption)\s*(?::|/|by\b)"
        r"|^(?:image|photo|picture|video) (?:source|caption|credit)s?\b",
        re.I,
    ),
    "agency_credit": re.compile(
        r"\b(getty images|afp|ap photo|reuters|epa|shutterstock|associated press|xinhua"
        r"|anadolu|pti|ians|istock|alamy)\b",
        re.I,
    ),
    # Inside parentheses a bare "via X" / "source X" is a credit; outside them only the
    # unmistakable forms are ("Source: X", "Reporting by X; Editing by Y").
    "credit_wrapped": re.compile(
        r"^\(\s*(via|source|sources|courtesy|with (?:additional )?reporting|additional reporting"
        r"|reporting by|editing by|written by|compiled by|adapted from|from)\b.*\)\W*$",
        re.I,
    ),
    "credit": re.compile(
        r"^((via|source|sources|courtesy(?: of)?|credit)\s*:"
        r"|(?:with )?(?:additional )?reporting by\b|editing by\b|written by\b|compiled by\b"
        r"|this (?:article|story) (?:was )?(?:originally|first) (?:appeared|published)\b"
        r"|(?:originally|first) (?:appeared|published) (?:on|in|at)\b)",
        re.I,
    ),
    # The date must follow the label at once ("Posted: Monday, 3 Oct"), so "Published figures
    # show ..." is not a dateline.
    "published": re.compile(
        r"^(?:published|posted|updated|last updated|first published|last modified|modified"
        r"|date|created|released)\s*(?:on\b|at\b|:)?\s*(?:[a-z]{3,9}\.?,?\s+)?"
        r"(?:\d|(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b)",
        re.I,
    ),
    "breadcrumb_sep": re.compile(r"\s[>\u00bb\u203a/|]\s|\s[>\u00bb\u203a]|[>\u00bb\u203a]\s"),
    "home_glued": re.compile(r"^Home(?=[A-Z][a-z])"),
    "home_start": re.compile(r"^Home\s+(\w+)"),
    "reading_time": re.compile(
        r"^\d+\s*(?:-\s*)?(?:min|mins|minute|minutes)(?: read| listen)?$", re.I
    ),
    "relative_time": re.compile(
        r"^(?:(?:updated|posted|published)\s*:?\s*)?(?:\d+|an?|one)\s*(?:seconds?|secs?|minutes?"
        r"|mins?|hours?|hrs?|h|days?|d|weeks?|months?)\s+ago$",
        re.I,
    ),
    "tag_list": re.compile(r"^(?:tags|topics|filed under|categories|keywords)\s*:", re.I),
    "reader_appeal": re.compile(
        r"^(?:thanks?|thank you) for (?:reading|visiting|your support)\b"
        r"|^(?:please )?(?:support|donate to) (?:us|our|independent)\b",
        re.I,
    ),
    "promo_label": re.compile(r"^[A-Z][\w'\u2019&-]*(?: [A-Z&][\w'\u2019&-]*){0,3}\s*\|\s*\S"),
    "masthead": re.compile(r"^(.{3,80}?)\s*\1$", re.I),
    "caption": re.compile(
        r"\b(?:is|are) (?:seen|pictured|shown|photographed)\b|\bpictured\b"
        r"|\bfile (?:photo|picture|image)\b|\bposes? for\b",
        re.I,
    ),
    "subheading": re.compile(r"^[\u2013\u2014-]+\s*\S.*?\S?\s*[\u2013\u2014-]+$"),
}


@lru_cache(maxsize=1024)
def key(text: str) -> str:
    """Return a comparison key: case-folded words joined by single spaces (cached per line)."""
    return _KEY_JUNK.sub(" ", text.casefold()).strip()


@lru_cache(maxsize=1024)
def word_count(text: str) -> int:
    """Return the number of words in text (cached: every line rule asks for the same line's)."""
    return len(_WORD.findall(text))


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _short(text: str, limit: int) -> bool:
    return word_count(text) <= limit


def _has(name: str, text: str) -> bool:
    return _PATTERNS[name].search(text) is not None


def is_heading(text: str) -> bool:
    """Return whether a line reads like a heading: short, no sentence-final punctuation."""
    return _short(text, 10) and not _SENTENCE_END.search(text) and not _QUOTE_START.match(text)


def ends_sentence(text: str) -> bool:
    """Return whether a line ends with sentence-final punctuation (maybe inside a quote)."""
    return _SENTENCE_END.search(text) is not None


def is_subheading(text: str) -> bool:
    """Return whether a line is a section subhead set off by dashes ("– Back and forth –")."""
    return _short(text, 10) and _has("subheading", text)


def is_short_fragment(text: str) -> bool:
    """Return whether a line is a short all-lowercase fragment with no punctuation (alt text)."""
    return _short(text, 8) and re.fullmatch(r"[a-z0-9][a-z0-9 '\u2019-]*", text) is not None


def is_published_dateline(text: str) -> bool:
    return _short(text, 16) and _has("published", text)


def is_date_line(text: str) -> bool:
    """Return whether every word of a short line is part of a date or time."""
    if not 0 < word_count(text) <= 12:
        return False
    words = _words(text)
    if not any(w in MONTHS or w.isdigit() for w in words):
        return False
    return all(w in MONTHS or w in _WEEKDAYS or w in _TIME_WORDS or _is_number(w) for w in words)


def _is_number(word: str) -> bool:
    return re.fullmatch(r"\d{1,4}(st|nd|rd|th|am|pm|h)?", word) is not None


def _reported(text: str) -> bool:
    """Return whether a line reports speech: chrome never says who said what."""
    return _REPORTED.search(text) is not None


def _ad_blocker(text: str) -> bool:
    """Return whether a line asks the reader about an ad blocker (not news about ad blockers)."""
    if not _short(text, 20) or not _has("ad_blocker", text) or _reported(text):
        return False
    return _APPEAL.search(text) is not None


def _cookie(text: str) -> bool:
    if _reported(text) or not re.search(r"\bcookies?\b", text, re.I):
        return False
    banner = _has("cookie", text) and _READER.search(text) is not None
    button = re.search(
        r"\b(accept|reject|allow|manage|settings|preferences|polic(y|ies))\b", text, re.I
    )
    return (_short(text, 45) and banner) or (_short(text, 6) and button is not None)


def _only_words(text: str, vocabulary: frozenset[str], limit: int) -> bool:
    """Return whether an unpunctuated line of at most limit words uses only the vocabulary."""
    count = word_count(text)  # cached, so long lines are turned away before case-folding
    if not count or count > limit or _SENTENCE_END.search(text):
        return False
    return all(w in vocabulary or w.isdigit() for w in _words(text))


def _social_follow(text: str) -> bool:
    return _only_words(text, _SOCIAL | _LINKING, 8) or (_short(text, 8) and _has("follow", text))


def _app_promo(text: str) -> bool:
    return _only_words(text, _PLATFORMS | _LINKING, 8) or (_short(text, 8) and _has("app", text))


def _call_to_action(text: str) -> bool:
    """Return whether a line ends in an imperative aimed at the reader ("Find your ... on X")."""
    if _QUOTE_START.match(text) or not _short(text, 60) or _reported(text):
        return False
    if _has("reader_appeal", text):
        return True
    for match in _CTA_START.finditer(text):
        sentence, *rest = re.split(r"(?<=[.!?])\s", text[match.start() :], maxsplit=1)
        # In a long paragraph only a closing call counts: dropping the line would lose prose.
        if rest and not _short(text, 25):
            continue
        if _CTA_TARGET.search(sentence) or _on_site(sentence):
            return True
    return False


def _on_site(sentence: str) -> bool:
    """Return whether a sentence names a place to go "on" a site or app ("on EmbassyPages")."""
    for match in re.finditer(r"\bon ([A-Z][\w.]+)", sentence):
        word = match.group(1).rstrip(".").casefold()
        if word not in MONTHS and word not in _WEEKDAYS and word not in {"the", "a"}:
            return True
    return False


def _newsletter(text: str) -> bool:
    if not _short(text, 40) or _QUOTE_START.match(text) or _reported(text):
        return False
    return _has("newsletter", text)


def _related(text: str) -> bool:
    return _short(text, 30) and _has("related", text)


def _photo_credit(text: str) -> bool:
    if not _short(text, 25):
        return False
    if _has("photo_label", text):
        return True
    wrapped = text.startswith("(") and text.endswith(")")
    marked = re.search(r"\b(photo|image|picture|credit)s?\b|/|\u00a9", text, re.I)
    return _has("agency_credit", text) and (wrapped or bool(marked)) and _short(text, 12)


def _photo_caption(text: str) -> bool:
    """Return whether an unpunctuated line describes a picture ("... are seen on ...")."""
    if _SENTENCE_END.search(text) or text.endswith(":") or re.search(r"[.!?] [A-Z]", text):
        return False
    return _short(text, 45) and _has("caption", text)


def _credit_line(text: str) -> bool:
    return _short(text, 30) and (_has("credit_wrapped", text) or _has("credit", text))


def _breadcrumb(text: str) -> bool:
    """Return whether a line is a trail of sections ("Home > World", "HomeMiddle EastTitle")."""
    if not _short(text, 25) or _SENTENCE_END.search(text):
        return False
    if _has("home_glued", text):
        return True
    home = _PATTERNS["home_start"].match(text)
    if home and home.group(1).casefold() in _NAV_WORDS:
        return True
    return len(_PATTERNS["breadcrumb_sep"].findall(text)) >= 2 and _short(text, 15)


def _nav_menu(text: str) -> bool:
    return word_count(text) >= 3 and _only_words(text, _NAV_WORDS, 20)


def _ui_label(text: str) -> bool:
    return _only_words(text, _UI_WORDS, 4)


def _masthead_repeat(text: str) -> bool:
    return _short(text, 12) and not _SENTENCE_END.search(text) and _has("masthead", text)


def _promo_label(text: str) -> bool:
    return _short(text, 80) and _has("promo_label", text)


# Order matters only for the rule name recorded: the first match names the drop.
LINE_RULES: list[tuple[str, Callable[[str], bool]]] = [
    ("ad_blocker_notice", _ad_blocker),
    ("cookie_notice", _cookie),
    ("advert", lambda t: _has("advert", t)),
    ("comment_prompt", lambda t: _short(t, 20) and _has("comment", t) and not _reported(t)),
    ("dateline_published", is_published_dateline),
    ("dateline_published", lambda t: _has("relative_time", t)),
    ("reading_time", lambda t: _has("reading_time", t)),
    ("tag_list", lambda t: _short(t, 30) and _has("tag_list", t)),
    ("url_line", lambda t: re.fullmatch(r"(?:https?://|www\.)\S+", t) is not None),
    ("date_line", is_date_line),
    ("breadcrumb", _breadcrumb),
    ("nav_menu", _nav_menu),
    ("ui_label", _ui_label),
    ("social_follow", _social_follow),
    ("app_promo", _app_promo),
    ("newsletter_promo", _newsletter),
    ("related_link", _related),
    ("click_here", lambda t: _short(t, 30) and _has("click_here", t)),
    ("copyright", lambda t: _short(t, 30) and _has("copyright", t)),
    ("photo_credit", _photo_credit),
    ("photo_caption", _photo_caption),
    ("credit_line", _credit_line),
    ("promo_label", _promo_label),
    ("masthead_repeat", _masthead_repeat),
    ("subheading", is_subheading),
    ("call_to_action", _call_to_action),
]


def parse_date(text: str, dayfirst: bool | None = None) -> datetime | None:
    """Return the first complete date (with a year) written in text, or None."""
    for parser in (_iso_date, _month_name_date, _day_month_date):
        found = parser(text)
        if found is not None:
            return found
    return _numeric_date(text, dayfirst)


def _safe_date(year: int, month: int, day: int) -> datetime | None:
    try:
        return datetime(year, month, day)
    except ValueError:
        return None


def _iso_date(text: str) -> datetime | None:
    match = re.search(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)", text)
    return _safe_date(*map(int, match.groups())) if match else None


def _month_name_date(text: str) -> datetime | None:
    match = re.search(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", text)
    if not match or match.group(1).casefold() not in MONTHS:
        return None
    month = MONTHS[match.group(1).casefold()]
    return _safe_date(int(match.group(3)), month, int(match.group(2)))


def _day_month_date(text: str) -> datetime | None:
    match = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b", text)
    if not match or match.group(2).casefold() not in MONTHS:
        return None
    month = MONTHS[match.group(2).casefold()]
    return _safe_date(int(match.group(3)), month, int(match.group(1)))


def _numeric_date(text: str, dayfirst: bool | None) -> datetime | None:
    """Return a d/m/y or m/d/y date when unambiguous (or dayfirst says which), else None."""
    match = re.search(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b", text)
    if not match:
        return None
    first, second, year = map(int, match.groups())
    if first > 12 or (dayfirst and second <= 12):
        return _safe_date(year, second, first)
    if second > 12 or dayfirst is False:
        return _safe_date(year, first, second)
    return None
