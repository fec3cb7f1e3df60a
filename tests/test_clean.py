"""Cleaning: chrome goes, real sentences stay, whitespace is normalised, every drop is recorded."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from claims.clean import clean_article, find_published_date, normalise_line

SEED_DIR = Path(__file__).parent.parent / "seeds"
SEEDS = sorted(SEED_DIR.glob("*.txt"))

# An invented page from a site nobody here has seen: every kind of chrome, plus real sentences
# that mention apps, cookies, following, sharing, sources and photos.
OTHER_SITE = """\
Skip to content
Home > World > Europe > Harbour strike spreads to second port
Harbour strike spreads to second port
By Mira Castell
Updated: 14 March 2023, 09:12 GMT
Share this article
Facebook Twitter WhatsApp Email
Dockworkers in Valmora walked out on Tuesday, joining colleagues who have been on strike \
for a week.
Image: Getty Images
Police followed the marchers to the port gates but made no arrests.
Sign up for our morning newsletter and get the news in your inbox.
The union said its app had been downloaded 40,000 times since the dispute began.
Read more: Port owners warn of losses
Sources close to the talks said an offer was expected by Friday.
Video | Inside the picket line at dawn
"Follow us, and the whole coast will stop," the union leader told the crowd.
We use cookies to improve your experience. By continuing you accept our cookie policy.
The ministry's website stores cookies for 30 days, a spokesman said.
More than 200 ships are waiting offshore.
Click here to subscribe.
Home prices in the port district have fallen 4% this year.
\u00a9 2023 Valmora Daily Media. All rights reserved.
"""

REAL_SENTENCES = [
    "Dockworkers in Valmora walked out on Tuesday, joining colleagues who have been on strike "
    "for a week.",
    "Police followed the marchers to the port gates but made no arrests.",
    "The union said its app had been downloaded 40,000 times since the dispute began.",
    "Sources close to the talks said an offer was expected by Friday.",
    '"Follow us, and the whole coast will stop," the union leader told the crowd.',
    "The ministry's website stores cookies for 30 days, a spokesman said.",
    "More than 200 ships are waiting offshore.",
    "Home prices in the port district have fallen 4% this year.",
]


def dropped_rules(text: str, title: str | None = None) -> dict[str, str]:
    return {d.text: d.rule for d in clean_article(text, title).dropped}


def test_other_site_chrome_is_dropped_with_named_rules() -> None:
    rules = dropped_rules(OTHER_SITE, title="Harbour strike spreads to second port")
    assert rules == {
        "Skip to content": "ui_label",
        "Home > World > Europe > Harbour strike spreads to second port": "breadcrumb",
        "Harbour strike spreads to second port": "title_repeat",
        "Updated: 14 March 2023, 09:12 GMT": "dateline_published",
        "Share this article": "ui_label",
        "Facebook Twitter WhatsApp Email": "social_follow",
        "Image: Getty Images": "photo_credit",
        "Sign up for our morning newsletter and get the news in your inbox.": "newsletter_promo",
        "Read more: Port owners warn of losses": "related_link",
        "Video | Inside the picket line at dawn": "promo_label",
        "We use cookies to improve your experience. By continuing you accept our cookie "
        "policy.": "cookie_notice",
        "Click here to subscribe.": "click_here",
        "\u00a9 2023 Valmora Daily Media. All rights reserved.": "copyright",
    }


def test_other_site_real_sentences_survive() -> None:
    body = clean_article(OTHER_SITE, title="Harbour strike spreads to second port").body
    paragraphs = body.split("\n\n")
    for sentence in REAL_SENTENCES:
        assert sentence in paragraphs
    assert "By Mira Castell" in paragraphs  # a byline is not chrome; attribution may use it


def test_dropped_lines_carry_original_line_numbers() -> None:
    text = "Real sentence one.\n\nFollow us on Twitter\n\nReal sentence two."
    cleaned = clean_article(text)
    assert [(d.line_no, d.text, d.rule) for d in cleaned.dropped] == [
        (3, "Follow us on Twitter", "social_follow")
    ]
    assert cleaned.body == "Real sentence one.\n\nReal sentence two."


def test_original_text_is_not_modified() -> None:
    text = "A\u00a0line\u200b here.\n\nShare\n"
    copy = str(text)
    clean_article(text)
    assert text == copy


def test_whitespace_is_normalised() -> None:
    assert normalise_line("  two\u00a0\u00a0words\u200b\tand\ufeff  more ") == "two words and more"
    body = clean_article("First\u00a0 sentence.\u200b\n\n\n\nSecond \t sentence.").body
    assert body == "First sentence.\n\nSecond sentence."


def test_lines_broken_mid_sentence_are_rejoined() -> None:
    text = (
        "The minister said the harbour would\n"
        "reopen on Monday, after inspectors\n"
        "approved the repairs.\n"
        "A second paragraph starts on its own line.\n"
    )
    assert clean_article(text).body.split("\n\n") == [
        "The minister said the harbour would reopen on Monday, after inspectors approved the "
        "repairs.",
        "A second paragraph starts on its own line.",
    ]


def test_headings_are_not_glued_to_the_next_line() -> None:
    body = clean_article("Storm Hits Coast\nWinds reached 120 km/h overnight.").body
    assert body == "Storm Hits Coast\n\nWinds reached 120 km/h overnight."


def test_bullets_become_their_own_paragraphs() -> None:
    text = "Key points:\n  \u2022 Fares rise in May\n  \u2022 Night buses return\n- Trams are cut"
    assert clean_article(text).body.split("\n\n") == [
        "Key points:",
        "Fares rise in May",
        "Night buses return",
        "Trams are cut",
    ]


def test_duplicate_caption_keeps_the_first() -> None:
    caption = "Firefighters work at the scene in the old town on Sunday"
    cleaned = clean_article(f"Intro sentence here.\n\n{caption}\n{caption}\n\nMore text.")
    assert cleaned.body.count(caption) == 1
    assert [(d.line_no, d.rule) for d in cleaned.dropped] == [(4, "duplicate_line")]


def test_a_sentence_restated_far_away_is_kept() -> None:
    repeated = "It takes 50 votes to pass the measure."
    filler = "\n\n".join(f"Update number {i} arrived with news." for i in range(6))
    body = clean_article(f"{repeated}\n\n{filler}\n\n{repeated}").body
    assert body.count(repeated) == 2


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Download our app for iOS and Android", "app_promo"),
        ("Get the app", "app_promo"),
        ("Follow us on Instagram", "social_follow"),
        ("Please disable your ad blocker to support us!", "ad_blocker_notice"),
        ("Advertisement", "advert"),
        ("Story continues below advertisement", "advert"),
        ("What do you think of this story?", "comment_prompt"),
        ("Leave a comment", "comment_prompt"),
        ("Related: Ferry fares to rise", "related_link"),
        ("You may also like", "related_link"),
        ("Posted on 12/31/2021 8:30 AM", "dateline_published"),
        ("Monday, 4 July 2022", "date_line"),
        ("(Reporting by Ana Ruiz; Editing by Tom Berg)", "credit_line"),
        ("(Source: Harbour Gazette)", "credit_line"),
        ("Photo: Lars Nilsen / AFP", "photo_credit"),
        ("World News Politics Business Sport Opinion", "nav_menu"),
        ("Valmora DailyValmora Daily", "masthead_repeat"),
        ("\u2014 The long night \u2014", "subheading"),
        ("Watch our full interview with the mayor here.", "call_to_action"),
        ("Thanks for reading!", "call_to_action"),
        ("Enter your email address", "call_to_action"),
        ("Accept all cookies", "cookie_notice"),
        ("Share on Facebook", "social_follow"),
        ("Follow Jane Doe on Twitter @janedoe.", "social_follow"),
        ("Listen to this article", "ui_label"),
        ("5 min read", "reading_time"),
        ("Updated 3 hours ago", "dateline_published"),
        ("Tags: Harbour, Strike, Valmora", "tag_list"),
        ("Image source, Getty Images", "photo_credit"),
        ("(AP Photo/Jane Doe)", "photo_credit"),
        ("Home > World > Europe", "breadcrumb"),
        ("Home World Harbour strike spreads", "breadcrumb"),
        ("https://example.org/news/harbour-strike?ref=share", "url_line"),
    ],
)
def test_chrome_kinds(line: str, rule: str) -> None:
    text = f"The council met on Tuesday.\n\n{line}\n\nIt adjourned at noon."
    assert dropped_rules(text) == {line: rule}


@pytest.mark.parametrize(
    "line",
    [
        "Follow the money, investigators were told.",
        "Share prices fell 5% after the announcement.",
        "Via a spokesman, the minister declined to comment.",
        "Source material for the report came from 12 ministries.",
        "Comments by the governor drew criticism from both parties.",
        "Home Secretary Priya Shah said the rules would change.",
        "Download speeds in rural areas remain slow, the regulator said.",
        "YouTube and Google.",
        "More than 30 people were hurt.",
        "Related talks in Geneva ended without agreement.",
        "The photographer, who works for AFP, was detained for two hours.",
        "Published figures show unemployment at 6.1%.",
        "Reuters reported that the talks had stalled.",
        "The app store rules changed in 2021, according to the company.",
        "Copyright lawyers say the ruling will be appealed.",
        "Police will follow up on the case.",
        "Follow-on talks are expected on Monday.",
        "Voters like me want change.",
        "Users could not download the app for days.",
        "Police launched a new app",
        "Apps are growing faster than websites.",
        "Millions of users now use ad blockers, we found.",
        "Get out the vote efforts began today.",
        "Watch out for more storms today, the forecaster warned.",
        "Support for the bill among our members is growing, the union said.",
        "Home Office Rejects Asylum Plan",
        "Cookies were handed out to voters waiting in line.",
        "They're also serving cookies.",
        "Subscribers can register for the event, the organisers said.",
        "Read the full statement, the minister told reporters.",
    ],
)
def test_real_sentences_are_not_dropped(line: str) -> None:
    text = f"The council met on Tuesday.\n\n{line}\n\nIt adjourned at noon."
    assert dropped_rules(text) == {}


def test_long_paragraph_with_a_call_inside_is_kept() -> None:
    paragraph = (
        "Residents were told to leave by noon. Visit the council's website now, officials urged "
        "in a text message sent to every phone in the district on Sunday evening. Most left "
        "before the water reached the first houses near the river."
    )
    assert dropped_rules(f"Intro.\n\n{paragraph}\n\nEnd.") == {}


def test_short_fragment_only_when_alone() -> None:
    assert dropped_rules("Intro sentence.\n\nharbour strike photo\n\nEnd.") == {
        "harbour strike photo": "short_fragment"
    }
    # A lowercase word on its own line inside a broken sentence is part of the sentence.
    cleaned = clean_article("The senator regularly\nopposes\nthe plan, aides said.")
    assert cleaned.dropped == []
    assert cleaned.body == "The senator regularly opposes the plan, aides said."


def test_promo_heading_goes_with_its_call_to_action() -> None:
    promo = "Going abroad this summer? Compare policies and find your best price on TripCover."
    text = f"Travel Insurance Abroad\n\n{promo}\n\nThe airline cancelled 40 flights on Monday."
    assert dropped_rules(text) == {
        "Travel Insurance Abroad": "promo_heading",
        promo: "call_to_action",
    }


def test_title_given_or_inferred() -> None:
    text = "Bridge Reopens After Repairs\n\nBridge Reopens After Repairs\n\nTraffic resumed."
    assert [d.line_no for d in clean_article(text, "Bridge Reopens After Repairs").dropped] == [
        1,
        3,
    ]
    # Without a title the first heading is kept, and only its repeat is dropped.
    cleaned = clean_article(text)
    assert [(d.line_no, d.rule) for d in cleaned.dropped] == [(3, "title_repeat")]
    assert cleaned.body == "Bridge Reopens After Repairs\n\nTraffic resumed."


def test_find_published_date() -> None:
    assert find_published_date("Title\n\nPublished on 03/10/2016\n\nText.") is None
    assert find_published_date("Published on 03/10/2016", dayfirst=True) == datetime(2016, 10, 3)
    assert find_published_date("Published on 03/10/2016", dayfirst=False) == datetime(2016, 3, 10)
    assert find_published_date("Posted 25/12/2019") == datetime(2019, 12, 25)
    assert find_published_date("Posted: October 3, 2016 at 5:02 pm") == datetime(2016, 10, 3)
    assert find_published_date("Updated 2016-10-03T10:00:00Z") == datetime(2016, 10, 3)
    assert find_published_date("Sunday 2 October 2016") == datetime(2016, 10, 2)
    # Dates inside sentences, or without a year, are not publication dates.
    assert find_published_date("The raid on October 3, 2016 killed four people.") is None
    assert find_published_date("Thursday / April 2.") is None
    assert find_published_date("Published on 31/02/2016") is None


# --- the five seeds --------------------------------------------------------------------------

SEED_CHROME = {
    "000": ["Consular assistance in Russia", "Find your country", "Home News", "Published on"],
    "001": [
        "NewsableAsianet",
        "Follow Us:",
        "Download App:",
        "android",
        "ios",
        "us russia suspend negotiations",
    ],
    "002": [
        "Thursday / April 2.",
        "HomeMiddle East",
        "Interactive Feature |",
        "Graphic |",
        "block ads",
        "(via NY Times)",
    ],
    "003": ["Do you like the content of this article?", "COMMENT"],
    "004": [],
}


def _seed(prefix: str) -> tuple[str, str]:
    path = next(p for p in SEEDS if p.name.startswith(prefix))
    metadata = yaml.safe_load((SEED_DIR / "metadata.yaml").read_text(encoding="utf-8"))
    return path.read_text(encoding="utf-8"), metadata[path.name]["title"]


@pytest.mark.parametrize("prefix", sorted(SEED_CHROME))
def test_seed_chrome_is_gone(prefix: str) -> None:
    text, title = _seed(prefix)
    paragraphs = clean_article(text, title).body.split("\n\n")
    for chrome in SEED_CHROME[prefix]:
        assert not any(p.startswith(chrome) or p == chrome for p in paragraphs), chrome
    assert title not in paragraphs


@pytest.mark.parametrize("prefix", sorted(SEED_CHROME))
def test_seed_every_line_is_kept_or_recorded(prefix: str) -> None:
    text, title = _seed(prefix)
    cleaned = clean_article(text, title)
    dropped_numbers = {d.line_no for d in cleaned.dropped}
    for number, line in enumerate(text.splitlines(), 1):
        content = normalise_line(line).lstrip("\u2022 ")
        if content and number not in dropped_numbers:
            assert content in cleaned.body, (number, content)


@pytest.mark.parametrize("prefix", sorted(SEED_CHROME))
def test_seed_real_paragraphs_survive(prefix: str) -> None:
    # Every line that reads as prose (long, with a full stop) must survive: no false drops here.
    text, title = _seed(prefix)
    cleaned = clean_article(text, title)
    for line in text.splitlines():
        content = normalise_line(line)
        if any(chrome in content for chrome in SEED_CHROME[prefix]):
            continue
        if len(content.split()) >= 12 and content.endswith((".", "\u201d", '"')):
            assert content in cleaned.body, content


def test_seed_duplicate_caption_and_repeated_title() -> None:
    text, title = _seed("004")
    cleaned = clean_article(text, title)
    caption = "US state department spokesperson John Kirby said Russia had"
    assert cleaned.body.count(caption) == 1
    assert {d.rule for d in cleaned.dropped} == {"title_repeat", "duplicate_line"}


def test_seed_bullets_and_nbsp() -> None:
    text, title = _seed("001")
    body = clean_article(text, title).body
    assert "US suspends negotiations with Russia" in body.split("\n\n")
    assert "\u00a0" not in body and "  " not in body


def test_seed_subheads_do_not_merge_into_sentences() -> None:
    text, title = _seed("000")
    body = clean_article(text, title).body
    assert "Back and forth" not in body or "Back and forth" in body.split("\n\n")


def test_seed_dateline_date_needs_day_order() -> None:
    text, _ = _seed("000")
    assert find_published_date(text) is None
    assert find_published_date(text, dayfirst=True) == datetime(2016, 10, 3)
