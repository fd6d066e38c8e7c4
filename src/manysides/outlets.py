"""Outlet profiles: who owns an outlet and how to recognise its pages.

Profiles are data (``src/manysides/data/outlets.toml``); :func:`load_profiles` reads them once.
:func:`detect_outlet` names the outlet of a text from its URL's domain or, for bare text, from
the outlet's own signatures (a sign-off like "(Global Times)", "told the Global Times", a
promo only its site carries).  It returns ``None`` when the evidence is absent or ambiguous:
an outlet is never guessed.
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

DEFAULT_FURNITURE_REASON = "promo"
_REASON_PREFIX = re.compile(r"^([a-z]+):(?=\^)")
_KNOWN_KEYS = {
    "name", "domains", "owner", "country", "signatures", "furniture", "aliases", "timezone",
    "kind", "state_affiliated", "ratings",
}


@dataclass(frozen=True)
class OutletProfile:
    """One outlet: identity, owner, and the patterns that recognise and clean its pages.

    ``furniture`` holds ``(reason, compiled whole-line regex)`` pairs; ``signatures`` compiled
    multiline regexes; ``ratings`` any optional rating fields a profile carries.
    """

    name: str
    domains: tuple[str, ...] = ()
    owner: str | None = None
    country: str | None = None
    signatures: tuple[re.Pattern[str], ...] = ()
    furniture: tuple[tuple[str, re.Pattern[str]], ...] = ()
    aliases: tuple[str, ...] = ()
    timezone: str | None = None
    kind: str | None = None
    state_affiliated: bool | None = None
    ratings: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def matches_domain(self, url_or_host: str) -> bool:
        """True when the URL's host (or the host given) is one of this outlet's domains."""
        host = _host(url_or_host)
        return bool(host) and any(host == d or host.endswith("." + d) for d in self.domains)

    def signature_hits(self, text: str) -> int:
        """How many distinct signatures of this outlet occur in ``text``."""
        return sum(
            1 for pattern in self.signatures
            if _prefilter(pattern.pattern) in text and pattern.search(text)
        )


_REGEX_META = set(".^$*+?{}[]|()")
_ESCAPED_LITERALS = set(".^$*+?{}[]|()\\/-'\" ")


@functools.lru_cache(maxsize=4096)
def _prefilter(pattern: str) -> str:  # noqa: C901
    """The longest plain string every match of ``pattern`` contains, or "" if none is sure.

    Python's ``re`` scans slowly for patterns that open with ``\\b``, ``^`` or a character
    class; checking a required literal with ``in`` first skips most signature searches.
    Only literal runs outside groups and classes count; a top-level ``|`` gives "".

    Kept whole: one case per regular-expression construct the scan may meet.
    """
    runs: list[str] = []
    current: list[str] = []
    depth = 0
    i = 0

    def close_run() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
            if depth == 0 and nxt in _ESCAPED_LITERALS:
                current.append(nxt)
            elif depth == 0:
                close_run()  # \b, \d, \s ...
            i += 2
            continue
        if c == "[":
            close_run()
            j = i + 1
            while j < len(pattern) and pattern[j] != "]":  # skip the class
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            depth += 1
            close_run()
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return ""
        elif depth == 0:
            if c in "*?{":
                if current:
                    current.pop()  # the character before is optional
                close_run()
                if c == "{":  # skip the repeat count
                    i = pattern.find("}", i)
                    if i < 0:
                        break
            elif c in _REGEX_META:
                close_run()
            else:
                current.append(c)
        i += 1
    close_run()
    best = max(runs, key=len, default="")
    return best if len(best) >= 4 else ""


def _host(url_or_host: str) -> str:
    value = url_or_host.strip().lower()
    if "://" in value:
        value = urlsplit(value).hostname or ""
    value = value.split("/")[0].split(":")[0]
    return value.removeprefix("www.")


def _compile_furniture(raw: str, outlet: str) -> tuple[str, re.Pattern[str]] | None:
    reason = DEFAULT_FURNITURE_REASON
    m = _REASON_PREFIX.match(raw)
    if m:
        reason, raw = m.group(1), raw[m.end():]
    try:
        return reason, re.compile(raw)
    except re.error as exc:
        logger.warning("outlet %s: bad furniture pattern %r skipped (%s)", outlet, raw, exc)
        return None


def _compile_signature(raw: str, outlet: str) -> re.Pattern[str] | None:
    try:
        return re.compile(raw, re.MULTILINE)
    except re.error as exc:
        logger.warning("outlet %s: bad signature pattern %r skipped (%s)", outlet, raw, exc)
        return None


def _strings(data: dict[str, object], key: str) -> list[str]:
    """The list ``data[key]`` as strings (empty when absent)."""
    value = data.get(key) or []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def profile_from_dict(data: dict[str, object]) -> OutletProfile:
    """Build a profile from one ``[[outlet]]`` table (unknown keys are ignored with a warning)."""
    name = str(data["name"])
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        logger.warning("outlet %s: unknown keys ignored: %s", name, ", ".join(sorted(unknown)))
    sigs = [_compile_signature(str(s), name) for s in _strings(data, "signatures")]
    furn = [_compile_furniture(str(f), name) for f in _strings(data, "furniture")]
    state = data.get("state_affiliated")
    return OutletProfile(
        name=name,
        domains=tuple(_host(str(d)) for d in _strings(data, "domains")),
        owner=str(data["owner"]) if data.get("owner") else None,
        country=str(data["country"]) if data.get("country") else None,
        signatures=tuple(s for s in sigs if s is not None),
        furniture=tuple(f for f in furn if f is not None),
        aliases=tuple(str(a) for a in _strings(data, "aliases")),
        timezone=str(data["timezone"]) if data.get("timezone") else None,
        kind=str(data["kind"]) if data.get("kind") else None,
        state_affiliated=bool(state) if state is not None else None,
        ratings={str(k): str(v) for k, v in dict(data.get("ratings", {})).items()},  # type: ignore[call-overload]
    )


def parse_profiles(text: str) -> tuple[OutletProfile, ...]:
    """Profiles from the text of an ``outlets.toml`` file (later duplicates of a name win)."""
    data = tomllib.loads(text)
    by_name: dict[str, OutletProfile] = {}
    for table in data.get("outlet", []):
        profile = profile_from_dict(table)
        by_name[profile.name] = profile
    return tuple(by_name.values())


@functools.lru_cache(maxsize=4)
def load_profiles(path: str | None = None) -> tuple[OutletProfile, ...]:
    """All outlet profiles from ``path`` or the packaged ``data/outlets.toml`` (cached)."""
    if path is not None:
        return parse_profiles(Path(path).read_text(encoding="utf-8"))
    text = resources.files("manysides").joinpath("data/outlets.toml").read_text(encoding="utf-8")
    return parse_profiles(text)


def _norm_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.casefold()).strip().removeprefix("the ")


@functools.lru_cache(maxsize=4)
def _profiles_by_name(path: str | None = None) -> dict[str, OutletProfile]:
    """Normalised names and aliases -> profile of ``load_profiles(path)`` (the first profile to
    claim a name keeps it)."""
    out: dict[str, OutletProfile] = {}
    for profile in load_profiles(path):
        for name in (profile.name, *profile.aliases):
            out.setdefault(_norm_name(name), profile)
    return out


def get_profile(name: str | None) -> OutletProfile | None:
    """The profile whose name or alias is ``name`` (case and "The " ignored), else ``None``."""
    if not name:
        return None
    return _profiles_by_name().get(_norm_name(name))


def profile_for_url(url: str | None) -> OutletProfile | None:
    """The profile owning ``url``'s domain, else ``None``."""
    if not url or url.startswith("file:"):
        return None
    for profile in load_profiles():
        if profile.matches_domain(url):
            return profile
    return None


def detect_outlet(text: str, url: str | None = None) -> OutletProfile | None:
    """The outlet that published ``text`` (found at ``url``), or ``None`` when unknown.

    A URL on a profile's domain decides.  Otherwise each profile scores one point per
    signature found in the text; the single best-scoring profile wins, and a tie (or no
    signature at all) gives ``None``.
    """
    by_url = profile_for_url(url)
    if by_url is not None:
        return by_url
    scores = [(p.signature_hits(text), p) for p in load_profiles() if p.signatures]
    scores = [(s, p) for s, p in scores if s > 0]
    if not scores:
        return None
    scores.sort(key=lambda sp: sp[0], reverse=True)
    if len(scores) > 1 and scores[0][0] == scores[1][0]:
        logger.info(
            "outlet ambiguous: %s and %s both score %d", scores[0][1].name, scores[1][1].name,
            scores[0][0],
        )
        return None
    return scores[0][1]
