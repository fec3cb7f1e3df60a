"""Readers: format sniffing, each format's fields, decoding, metadata files and outlet rules."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from claims.outlets import outlet_from_credit, outlet_from_url, resolve_outlet
from claims.readers import (
    BinaryFileError,
    FrontMatterError,
    InputError,
    JsonLineError,
    MetadataFileError,
    MetadataFiles,
    NoArticleTextError,
    decode_bytes,
    parse_datetime,
    read_articles,
    sniff_format,
    title_from_text,
)
from claims.readers.metadata import load_metadata_file

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def read(name: str) -> list:
    path = FIXTURES / name
    return read_articles(path, path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("a.txt", "Title\n\nBody.", "text"),
        ("a.md", "---\ntitle: x\n---\nBody.", "frontmatter"),
        ("a.txt", "---\r\ntitle: x\r\n---\r\nBody.", "frontmatter"),
        ("a.html", "Just words", "html"),
        ("a.txt", "<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("a.jsonl", "not even json", "jsonl"),
        ("a.json", "{}", "json"),
        ("noext", '{"text": "a"}\n{"text": "b"}', "jsonl"),
        ("page.php", "<html>\n<head></head><body><p>Hi</p></body></html>", "html"),
        ("article", "A headline\n\nSome text.", "text"),
    ],
)
def test_format_is_sniffed_from_extension_and_content(name, text, kind):
    assert sniff_format(Path(name), text) == kind


def test_front_matter_fields_become_explicit_metadata():
    (article,) = read("frontmatter.md")
    assert article.outlet == "The Harbour Gazette"
    assert article.outlet_rule == "metadata"
    assert article.title == "Ferry strike ends after three days"
    assert article.url.startswith("https://www.harbourgazette.example/")
    assert article.author == "Mira Olsen"
    assert article.published_at == datetime(2021, 5, 4, 7, 30)  # +02:00 stored as UTC
    assert article.text.startswith("# Ferry strike")
    assert "outlet:" not in article.text


def test_front_matter_date_alias_and_empty_front_matter(tmp_path):
    path = tmp_path / "a.md"
    (article,) = read_articles(path, "---\ndate: 2019-01-02\n---\nBody text here.")
    assert article.published_at == datetime(2019, 1, 2)
    (article,) = read_articles(path, "---\n---\nBody text here.")
    assert article.outlet is None and article.text == "Body text here."


def test_malformed_front_matter_names_the_problem(tmp_path):
    with pytest.raises(FrontMatterError, match="front matter is not valid YAML"):
        read("bad_frontmatter.md")
    with pytest.raises(FrontMatterError, match="no closing"):
        read_articles(tmp_path / "a.md", "---\ntitle: x\nBody without a closing fence.")
    with pytest.raises(FrontMatterError, match="not a mapping"):
        read_articles(tmp_path / "a.md", "---\n- a list\n---\nBody.")


def test_jsonl_gives_one_article_per_line_with_line_numbers():
    items = read("articles.jsonl")
    assert [a.source_line for a in items] == [1, 2, 4]  # the blank line 3 is skipped
    assert items[0].outlet == "Lakeside Times"
    assert items[0].published_at == datetime(2020, 6, 1)
    assert items[1].outlet is None and items[1].url == "https://www.coastpost.example/news/storm"
    assert all(a.source_path.endswith("articles.jsonl") for a in items)


def test_broken_json_line_is_an_error_for_that_line_only():
    items = read("broken.jsonl")
    assert [type(i).__name__ for i in items] == ["ArticleInput", "JsonLineError", "ArticleInput"]
    assert items[1].line_no == 2
    assert "not valid JSON" in items[1].reason


@pytest.mark.parametrize(
    ("line", "reason"),
    [('["a", "list"]', "not a JSON object"), ('{"title": "no text"}', "no 'text' field")],
)
def test_json_line_without_article_text_is_rejected(tmp_path, line, reason):
    (item,) = read_articles(tmp_path / "a.jsonl", line + "\n")
    assert isinstance(item, JsonLineError) and reason in item.reason


def test_json_file_with_a_list_of_articles(tmp_path):
    items = read_articles(tmp_path / "a.json", '[{"text": "One."}, {"text": "Two."}]')
    assert [a.text for a in items] == ["One.", "Two."]
    with pytest.raises(JsonLineError, match="not valid JSON"):
        read_articles(tmp_path / "b.json", "{oops")


def test_html_page_gives_main_text_and_metadata():
    (article,) = read("page.html")
    assert article.outlet == "Valley Courier" and article.outlet_rule == "metadata"
    assert article.title == "Council approves new library budget"
    assert article.url == "https://news.valleycourier.example/local/library-budget"
    assert article.author == "Priya Nandakumar"
    assert (
        article.published_at is not None and article.published_at.date().isoformat() == "2022-03-15"
    )
    assert "seven to two" in article.text
    assert "Subscribe to our newsletter" not in article.text
    assert "Sport" not in article.text


def test_html_page_without_an_article_is_rejected():
    with pytest.raises(NoArticleTextError, match="no article text found"):
        read("no_article.html")


def test_title_from_text_follows_each_format_convention():
    assert title_from_text("\n  Headline here \nBody.", "text", 1000) == "Headline here"
    assert title_from_text("# Heading\n\nBody.", "frontmatter", 1000) == "Heading"
    assert title_from_text("Body sentence one.\nTwo.", "jsonl", 1000) is None
    assert title_from_text("x" * 50 + "\nShort", "text", 10) == "Short"


def test_utf8_bom_and_utf16_are_decoded():
    assert decode_bytes("\ufeffHello there.".encode(), "a") == ("Hello there.", "utf-8")
    assert decode_bytes("Hello there.".encode("utf-16"), "a") == ("Hello there.", "utf-16")


def test_latin1_text_falls_back_without_error():
    text, encoding = decode_bytes("Le café est fermé, a dit le maire.".encode("cp1252"), "a")
    assert text == "Le café est fermé, a dit le maire."
    assert encoding == "cp1252"


def test_declared_charset_is_used_when_the_bytes_are_not_utf8():
    page = '<html><head><meta charset="koi8-r"></head><body><p>Москва заявила</p></body></html>'
    text, encoding = decode_bytes(page.encode("koi8-r"), "a.html")
    assert "Москва заявила" in text and encoding == "koi8-r"


def test_utf8_with_a_stray_bad_byte_keeps_its_accents():
    data = "Le café « Métro » a rouvert, a dit le maire.".encode() + b"\xff" + b" Fin."
    text, encoding = decode_bytes(data, "a")
    assert text.startswith("Le café « Métro »") and text.endswith("\ufffd Fin.")
    assert encoding == "utf-8 (with replacements)"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"hello\x00world", "NUL"),
        (bytes(range(128, 256)) * 20, "not plausible text"),
        (bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 100, "control codes"),
    ],
)
def test_binary_data_is_refused(data, reason):
    with pytest.raises(BinaryFileError, match=reason):
        decode_bytes(data, "junk.txt")


def test_parse_datetime_accepts_iso_rfc2822_and_yaml_dates():
    assert parse_datetime("2016-10-03") == datetime(2016, 10, 3)
    assert parse_datetime("2016-10-03T12:00:00Z") == datetime(2016, 10, 3, 12)
    assert parse_datetime("Mon, 03 Oct 2016 14:00:00 GMT") == datetime(2016, 10, 3, 14)
    with pytest.raises(ValueError):
        parse_datetime("last Tuesday")


def test_unparseable_date_leaves_published_at_empty(tmp_path):
    (article,) = read_articles(tmp_path / "a.jsonl", '{"text": "Body.", "published_at": "soon"}')
    assert article.published_at is None


def test_metadata_file_maps_file_names_to_fields(tmp_path):
    (tmp_path / "metadata.yaml").write_text(
        "a.txt:\n  outlet: Daily Example\n  published_at: 2016-10-03\nb.txt:\n  outlet: unknown\n"
    )
    files = MetadataFiles()
    meta = files.for_file(tmp_path / "a.txt")
    assert meta is not None and meta.outlet == "Daily Example"
    assert meta.published_at == datetime(2016, 10, 3)
    assert files.for_file(tmp_path / "c.txt") is None
    assert files.for_file(tmp_path / "sub" / "a.txt") is None  # only the file's own directory


def test_metadata_file_with_unknown_field_is_an_error(tmp_path):
    path = tmp_path / "metadata.yaml"
    path.write_text("a.txt:\n  outlett: Typo\n")
    with pytest.raises(MetadataFileError, match="outlett"):
        load_metadata_file(path)
    files = MetadataFiles()
    assert files.for_file(tmp_path / "a.txt") is None
    assert len(files.errors) == 1 and isinstance(files.errors[0], InputError)


def test_seed_metadata_file_is_valid_and_covers_every_seed():
    seeds = Path(__file__).parent.parent / "seeds"
    entries = load_metadata_file(seeds / "metadata.yaml")
    assert sorted(entries) == sorted(p.name for p in seeds.glob("*.txt"))


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.nytimes.com/2016/10/03/world/x.html", "nytimes.com"),
        ("http://m.bbc.co.uk/news", "bbc.co.uk"),
        ("https://news.example.org/a", "news.example.org"),
        ("www.example.com/path", "example.com"),
        ("not a url", None),
        (None, None),
    ],
)
def test_outlet_from_url_is_the_host_without_www(url, outlet):
    assert outlet_from_url(url) == outlet


@pytest.mark.parametrize(
    ("tail", "outlet"),
    [
        ("(via NY Times)", "NY Times"),
        ("Via Reuters", "Reuters"),
        ("Source: The Daily Planet", "The Daily Planet"),
        ("This article originally appeared on Example News.", "Example News"),
        ("The minister said it was via diplomatic channels that the deal was done.", None),
        ("Nothing to see here.", None),
    ],
)
def test_credit_line_at_the_end_names_the_outlet(tail, outlet):
    text = "Headline\n\nThe body of the article says something.\n\n" + tail + "\n"
    assert outlet_from_credit(text) == outlet


def test_credit_line_far_from_the_end_is_ignored():
    text = "(via NY Times)\n" + "\n".join(f"Paragraph {i} of the story." for i in range(10))
    assert outlet_from_credit(text) is None


def test_outlet_rules_apply_in_order():
    text = "Body.\n(via Credit Times)"
    url = "https://www.url.example/a"
    assert resolve_outlet("Explicit", "File", url, text) == ("Explicit", "metadata")
    assert resolve_outlet(None, "File", url, text) == ("File", "metadata_file")
    assert resolve_outlet("unknown", "unknown", url, text) == ("url.example", "url")
    assert resolve_outlet(None, None, None, text) == ("Credit Times", "credit")
    assert resolve_outlet(None, None, None, "Body.") == ("unknown", "unknown")
