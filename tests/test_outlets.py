"""Outlet profiles: loading, lookup by name/alias/domain, detection from bare text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from manysides.outlets import (
    detect_outlet,
    get_profile,
    load_profiles,
    parse_profiles,
    profile_for_url,
)

# (profile name, a URL on its domain, a short text carrying one of its own signatures)
PROFILE_CASES = [
    ("Global Times", "https://www.globaltimes.cn/page/202304/1289279.shtml",
     "Experts met on Monday, an analyst told the Global Times.\n(Global Times)"),
    ("South China Morning Post", "https://www.scmp.com/news/china/article/3217277",
     "Advertisement\nGet more with myNEWS\nThe minister arrived on Sunday."),
    ("Breitbart", "https://www.breitbart.com/asia/2023/04/17/putin-welcomes/",
     "Breaking NewsNewsPolitics\nThe minister arrived on Sunday."),
    ("Reuters", "https://www.reuters.com/world/china/some-story-2023-04-16/",
     "MOSCOW, April 16 (Reuters) - The minister arrived on Sunday."),
    ("Associated Press", "https://apnews.com/article/abc123",
     "MOSCOW (AP) — The minister arrived on Sunday."),
    ("Xinhua", "https://english.news.cn/20230416/abc/c.html",
     "MOSCOW, April 16 (Xinhua) -- The minister arrived on Sunday."),
    ("TASS", "https://tass.com/defense/1606873",
     "MOSCOW, April 16. /TASS/. The minister arrived on Sunday."),
    ("BBC News", "https://www.bbc.co.uk/news/world-europe-65289123",
     "Image source, Getty Images\nImage caption, The minister in Moscow\nHe arrived on Sunday."),
    ("Fox News", "https://www.foxnews.com/politics/some-story",
     "The minister arrived on Sunday.\nCLICK HERE TO GET THE FOX NEWS APP\nHe left on Monday."),
    ("The New York Times", "https://www.nytimes.com/2023/04/16/world/asia/china-russia.html",
     "The minister arrived on Sunday.\nA version of this article appears in print on April 17, "
     "2023, Section A, Page 9 of the New York edition."),
    ("HuffPost", "https://www.huffpost.com/entry/some-story_n_123",
     "The minister arrived on Sunday, an aide told HuffPost."),
]


def test_packaged_profiles_load_with_owners() -> None:
    profiles = {p.name: p for p in load_profiles()}
    gt = profiles["Global Times"]
    assert "People's Daily" in (gt.owner or "") and gt.country == "CN"
    assert gt.timezone == "+08:00" and gt.state_affiliated is True
    scmp = profiles["South China Morning Post"]
    assert scmp.owner == "Alibaba Group" and scmp.country == "HK"
    assert profiles["Breitbart"].country == "US"
    assert load_profiles() is load_profiles()  # cached


@pytest.mark.parametrize(("name", "url", "text"), PROFILE_CASES, ids=[c[0] for c in PROFILE_CASES])
def test_each_profile_is_found_by_domain_and_by_signature(name: str, url: str, text: str) -> None:
    assert profile_for_url(url).name == name
    assert detect_outlet("Some text without signatures.", url=url).name == name
    detected = detect_outlet(text)
    assert detected is not None and detected.name == name


def test_seeds_are_attributed_to_their_outlets(seed_paths: dict[str, Path]) -> None:
    expected = {"000": "Global Times", "001": "Global Times", "002": "South China Morning Post",
                "003": "Global Times", "004": "Breitbart"}
    for num, outlet in expected.items():
        profile = detect_outlet(seed_paths[num].read_text(encoding="utf-8"))
        assert profile is not None and profile.name == outlet, num


def test_unknown_outlet_is_not_guessed() -> None:
    assert detect_outlet("The minister arrived in Moscow on Sunday, Reuters reported.") is None
    # Mentioning an outlet is not being it: Breitbart's seed names the Global Times.
    assert detect_outlet("The Global Times, a state newspaper, cited analysts.") is None
    assert detect_outlet("", url="https://unknown.example/news/1") is None
    # Evidence for two outlets in equal measure is ambiguous.
    assert detect_outlet("Get more with myNEWS\nSources told the Global Times.") is None


def test_eval_articles_never_get_a_wrong_outlet(eval_dir: Path) -> None:
    wrong = []
    found = 0
    for line in (eval_dir / "basil" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        profile = detect_outlet(row["text"])
        if profile is not None:
            found += 1
            # Wire copy run by an outlet ("Denver (AP) - ...") is attributed to the agency that
            # wrote it: the text alone cannot tell who reprinted it (ingest uses the URL).
            if profile.name != row["outlet"] and profile.kind != "wire":
                wrong.append((row["title"], profile.name))
        assert profile_for_url(row["url"]).name == row["outlet"]
    assert not wrong
    assert found >= 10  # the signatures do fire on real Fox News / HuffPost / NYT copy


def test_lookup_by_alias_is_case_insensitive() -> None:
    assert get_profile("SCMP").name == "South China Morning Post"
    assert get_profile("the new york times").name == "The New York Times"
    assert get_profile("New York Times").name == "The New York Times"
    assert get_profile("Huffington Post").name == "HuffPost"
    assert get_profile("Daily Nobody") is None
    assert get_profile(None) is None


def test_parse_profiles_reason_prefix_unknown_keys_and_bad_patterns() -> None:
    profiles = parse_profiles(
        """
[[outlet]]
name = "Test Outlet"
domains = ["www.test.example"]
signatures = ['\\(Test Outlet\\)', '([unclosed']
furniture = ['^Plain promo$', 'caption:^.+ Photo: TO$']
colour = "blue"
"""
    )
    (p,) = profiles
    assert p.domains == ("test.example",)
    assert len(p.signatures) == 1  # the broken regex is skipped, not fatal
    assert [r for r, _ in p.furniture] == ["promo", "caption"]
    assert p.matches_domain("https://news.test.example/a") and not p.matches_domain("test.org")
