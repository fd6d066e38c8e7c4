"""Cleaning bare-text pages: furniture out (each line with its reason), every body line in,
header metadata read.  Real input: the seeds; small texts written here for single rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from manysides.clean import clean_text
from manysides.clean.furniture import is_menu
from manysides.clean.meta import (
    dateline_agency,
    detect_language,
    normalise_date,
    parse_byline,
    parse_date_line,
)
from manysides.outlets import get_profile

# For each seed: (reason, start of the line) of every furniture line, in page order.
SEED_FURNITURE = {
    "000": [("title", "Trip to deepen bilateral"), ("signoff", "(Global Times)")],
    "001": [
        ("section", "CHINA / DIPLOMACY"), ("title", "China-Russia military ties to enhance"),
        ("dateline", "Published: Apr 17, 2023"), ("caption", "China Russia Photo: VCG"),
        ("caption", "China Russia Photo: VCG"), ("subhead", "Special and high-level"),
        ("subhead", "Cooperation for peace"), ("subhead", "Military cooperation"),
    ],
    "002": [
        ("ad", "Advertisement"), ("ad", "Advertisement"), ("section", "China-Russia relations"),
        ("promo", "Get more with myNEWS"), ("promo", "A personalised news feed"),
        ("promo", "Learn more"), ("caption", "Russian President Vladimir Putin (right)"),
        ("title", "Russia and China show solidarity"), ("standfirst", "• Putin’s high-profile"),
        ("standfirst", "• Meetings show the bonds"), ("video", "02:46"),
        ("video", "Putin meets China’s new defence chief"),
        ("video", "Putin meets China’s new defence chief"),
        ("credit", "Additional reporting by Associated Press"), ("number", "21"),
    ],
    "003": [
        ("section", "CHINA / MILITARY"), ("title", "Chinese, Russian defense ministers hold"),
        ("standfirst", "Close ties, military cooperation"), ("dateline", "Published: Apr 19"),
        ("caption", "The exercise ZAPAD/INTERACTION-2021"),
        ("caption", "The exercise ZAPAD/INTERACTION-2021"),
    ],
    "004": [
        ("nav", "Breaking NewsNewsPolitics"), ("title", "Putin Welcomes China’s Defense"),
        ("nav", "Related Articles"), ("nav", "Back to top button"),
    ],
}

SEED_META = {
    "000": dict(title="Trip to deepen bilateral military ties, promote global peace: expert",
                outlet="Global Times", published=None, section=None),
    "001": dict(outlet="Global Times", published="2023-04-17T21:43:00+08:00",
                updated="2023-04-17T23:08:00+08:00", section="CHINA / DIPLOMACY"),
    "002": dict(title="Russia and China show solidarity as Chinese defence minister Li Shangfu "
                      "heads to Moscow", outlet="South China Morning Post", published=None),
    "003": dict(title="Chinese, Russian defense ministers hold meeting in Moscow, emphasizing "
                      "military cooperation, respective core interests",
                outlet="Global Times", published="2023-04-19T00:10:00+08:00",
                section="CHINA / MILITARY"),
    "004": dict(title="Putin Welcomes China’s Defense Minister to Moscow", outlet="Breitbart"),
}


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def cleaned(seed_paths: dict[str, Path]) -> dict[str, tuple[str, object]]:
    out = {}
    for num, path in seed_paths.items():
        raw = path.read_text(encoding="utf-8")
        out[num] = (raw, clean_text(raw))
    return out


@pytest.mark.parametrize("num", sorted(SEED_FURNITURE))
def test_seed_furniture_removed_with_reasons(cleaned: dict, num: str) -> None:
    _, result = cleaned[num]
    got = [(r.reason, r.line) for r in result.removed]
    expected = SEED_FURNITURE[num]
    assert len(got) == len(expected), got
    for (reason, line), (want_reason, prefix) in zip(got, expected, strict=True):
        assert reason == want_reason and line.startswith(prefix), (reason, line)
    body = _norm(result.text)
    for _, prefix in expected:
        if len(prefix) > 12:  # the furniture is gone from the body
            assert prefix not in body, prefix


@pytest.mark.parametrize("num", sorted(SEED_FURNITURE))
def test_seed_every_body_line_kept_in_order(cleaned: dict, num: str) -> None:
    raw, result = cleaned[num]
    prefixes = [p for _, p in SEED_FURNITURE[num]]
    body_lines = [
        _norm(line) for line in raw.splitlines()
        if line.strip() and not any(_norm(line).startswith(p) for p in prefixes)
    ]
    paragraphs = [_norm(p) for p in result.text.split("\n\n")]
    assert paragraphs == body_lines  # each body line kept whole, in order, nothing else
    assert len(body_lines) >= 15


@pytest.mark.parametrize("num", sorted(SEED_META))
def test_seed_metadata(cleaned: dict, num: str) -> None:
    _, result = cleaned[num]
    for field, value in SEED_META[num].items():
        got = result.meta.outlet if field == "outlet" else getattr(result, field)
        assert got == value, field
    assert result.meta.language == "en"


def test_title_of_001_and_standfirst_of_002(cleaned: dict) -> None:
    assert cleaned["001"][1].title.startswith("China-Russia military ties to enhance amid")
    assert cleaned["001"][1].title.endswith("containing and deterring hegemony’")
    standfirst = cleaned["002"][1].meta.standfirst
    assert standfirst[0].startswith("Putin’s high-profile welcome") and len(standfirst) == 2


def test_short_sentences_and_quotes_stay() -> None:
    raw = (
        "Minister visits Moscow for talks on defence\n"
        "The minister arrived in Moscow on Sunday for a four-day visit, officials said.\n"
        "He declined.\n"
        "“We are friends.”\n"
        "Advertisement\n"
        "Nobody expected it. Learn more about the plan in the annex, the ministry said.\n"
        "Read more\n"
        "The talks will continue on Monday, according to a statement from the ministry.\n"
    )
    result = clean_text(raw)
    paragraphs = result.text.split("\n\n")
    assert "He declined." in paragraphs and "“We are friends.”" in paragraphs
    assert any(p.startswith("Nobody expected it. Learn more") for p in paragraphs)
    assert [(r.reason, r.line) for r in result.removed] == [
        ("title", "Minister visits Moscow for talks on defence"),
        ("ad", "Advertisement"), ("promo", "Read more"),
    ]


def test_body_rules_numbers_duplicates_captions_video_related() -> None:
    raw = "\n".join([
        "Flood waters rise in the valley as rain continues",
        "Rain fell for a ninth day on Tuesday across the northern valley, officials said.",
        "A man wades through water in Brenn on Tuesday. Photo: Jo Lind/Agency",
        "A man wades through water in Brenn on Tuesday. Photo: Jo Lind/Agency",
        "Photo: VCG",
        "Emergency services said about 4,000 people had left their homes by the evening.",
        "The river peaked at midnight, the water board said in a statement on Wednesday.",
        "01:47",
        "Drone footage shows the flooded valley",
        "Drone footage shows the flooded valley",
        "The water board said it would publish its inspection reports next week.",
        "The water board said it would publish its inspection reports next week.",
        "Related Articles",
        "Farmers count the cost of a wet winter",
        "What went wrong at the dam?",
        "Most read",
        "1",
        "42",
    ])
    result = clean_text(raw)
    reasons = [(r.reason, r.line[:20]) for r in result.removed]
    assert reasons == [
        ("title", "Flood waters rise in"),
        ("caption", "A man wades through "), ("caption", "A man wades through "),
        ("caption", "Photo: VCG"),
        ("video", "01:47"), ("video", "Drone footage shows "), ("video", "Drone footage shows "),
        ("duplicate", "The water board said"),
        ("nav", "Related Articles"), ("nav", "Farmers count the co"),
        ("nav", "What went wrong at t"), ("nav", "Most read"), ("number", "1"),
        ("number", "42"),
    ]
    assert result.text.count("inspection reports next week") == 1


def test_credit_lines_are_kept_apart_from_captions() -> None:
    raw = ("The minister arrived in Moscow on Sunday for a four-day visit, officials said.\n"
           "Associated Press writers Jane Doe and John Roe contributed to this report.\n"
           "(Reporting by Jane Doe; Editing by John Roe)\n")
    result = clean_text(raw)
    assert [r.reason for r in result.removed] == ["credit", "credit"]
    assert result.text.startswith("The minister arrived")


def test_menus_and_subheads() -> None:
    raw = ("News  Region  Politics  Opinion\n"
           "Dam gives way after nine days of rain in the north\n"
           "The dam burst shortly before midnight on Tuesday after a week of heavy rain.\n"
           "Warnings ignored\n"
           "An engineering report from 2019 rated the spillway poor and asked for repairs.\n")
    result = clean_text(raw)
    assert [(r.reason, r.line) for r in result.removed] == [
        ("nav", "News Region Politics Opinion"),
        ("title", "Dam gives way after nine days of rain in the north"),
        ("subhead", "Warnings ignored"),
    ]
    assert is_menu("Subscribe | Log in | E-paper") and not is_menu("Trump, Biden and Harris")


def test_profile_timezone_and_title_hint() -> None:
    raw = ("Some headline here about the visit\n"
           "Published: Apr 17, 2023 09:43 PM\n"
           "The minister arrived in Moscow on Sunday for a four-day visit, officials said.")
    with_tz = clean_text(raw, profile=get_profile("Global Times"))
    assert with_tz.published == "2023-04-17T21:43:00+08:00"
    naive = clean_text(raw, detect=False)
    assert naive.published == "2023-04-17T21:43:00" and naive.meta.outlet is None
    hinted = clean_text(raw, title="Some headline here about the visit", detect=False)
    assert hinted.removed[0].reason == "title"


def test_no_header_text_is_all_body() -> None:
    raw = ("President Barack Obama urged lawmakers to move on the jobs bill on Wednesday.\n\n"
           "\"And if Congress tells you they don't have time, they've got time,\" he said.")
    result = clean_text(raw)
    assert result.removed == [] and result.title is None
    assert result.text == raw


def test_date_lines() -> None:
    assert parse_date_line("Published: Apr 17, 2023 09:43 PM Updated: Apr 17, 2023 11:08 PM",
                           default_tz="+08:00") == {
        "published": "2023-04-17T21:43:00+08:00", "updated": "2023-04-17T23:08:00+08:00"}
    assert parse_date_line("By Liu Xuanzun Published: Apr 18, 2023 10:00 PM") == {
        "byline": "Liu Xuanzun", "published": "2023-04-18T22:00:00"}
    assert parse_date_line("Updated 2:45 PM EDT, Mon April 17, 2023") == {
        "updated": "2023-04-17T14:45:00-04:00"}
    assert parse_date_line("Published: 16.11.2024 20:10", default_tz="+01:00") == {
        "published": "2024-11-16T20:10:00+01:00"}
    assert parse_date_line("April 17, 2023") == {"published": "2023-04-17"}
    assert parse_date_line("Mon 17 Apr 2023 12.00 BST") == {
        "published": "2023-04-17T12:00:00+01:00"}
    # A sentence that mentions a date is not a date line.
    assert parse_date_line("The talks were held on April 17, 2023 in the Kremlin.") is None
    assert normalise_date("Sat, 16 Nov 2024 21:15:00 +0100") == "2024-11-16T21:15:00+01:00"
    assert normalise_date("2023-04-17") == "2023-04-17"
    assert normalise_date("2023-04-17T09:43:00Z") == "2023-04-17T09:43:00+00:00"
    assert normalise_date("not a date") is None


def test_bylines_datelines_language() -> None:
    assert parse_byline("By Jane Doe and John Roe") == "Jane Doe and John Roe"
    assert parse_byline("By the way, the minister left.") is None
    assert dateline_agency("MOSCOW, April 16 (Reuters) - The minister arrived.") == "Reuters"
    assert dateline_agency("WASHINGTON (AP) — The talks ended.") == "Associated Press"
    assert dateline_agency("BEIJING, April 17 (Xinhua) -- Li met Shoigu.") == "Xinhua"
    assert dateline_agency("The minister arrived (Reuters) in Moscow.") is None
    assert detect_language("The minister said that the talks were held in a friendly way.") == "en"
    assert detect_language("Le ministre a dit que les discussions ont été tenues dans la "
                           "capitale et que la visite est importante.") == "fr"
    assert detect_language("Der Minister sagte, dass die Gespräche in der Hauptstadt "
                           "stattfanden und nicht einfach waren.") == "de"
    assert detect_language("Министр обороны прибыл в Москву в воскресенье.") == "ru"
    assert detect_language("ok") is None


def test_extracted_html_text_keeps_lists_headings_and_repeats() -> None:
    text = "\n".join([
        "The recipe below serves four people and takes about an hour to prepare.",
        "Ingredients",
        "Eat every 2-3 hours",
        "Advertisement",
        "Drink during your workout",
        "Eat every 2-3 hours",
        "Drink during your workout",
        "Drink during your workout",
        "June 29 – Holmdel, NJ @ PNC Bank Arts Center",
    ])
    result = clean_text(text, extracted=True, detect=False)
    assert [(r.reason, r.line) for r in result.removed] == [
        ("ad", "Advertisement"), ("duplicate", "Drink during your workout")]
    kept = result.text.split("\n\n")
    assert kept.count("Eat every 2-3 hours") == 2 and "Ingredients" in kept
    assert kept[-1].startswith("June 29")
