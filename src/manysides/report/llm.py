"""Optional abstractive rewrite of the summary through an OpenAI-compatible endpoint.

Off unless the user sets ``MANYSIDES_LLM_URL`` (base URL, e.g. ``http://127.0.0.1:8080/v1``)
and ``MANYSIDES_LLM_MODEL``; ``MANYSIDES_LLM_KEY`` is sent as a bearer token when set.  Each
rewritten sentence must pass the same verifier and loaded-term check as the extractive one;
a rewrite that fails (or an endpoint that errors) keeps the extractive sentence.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import httpx

from manysides.models import SummarySentence
from manysides.report.prepare import LoadedFn, StoryText, loaded_outside_quotes
from manysides.report.verify import Similarity, verify
from manysides.settings import DEFAULT_LLM_TIMEOUT_S, Settings

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You rewrite one sentence of a neutral news summary so it reads clearly and concisely. "
    "Use only facts stated in the source sentences; keep every name, number and date exactly; "
    "add nothing; no adjectives of judgement; keep attributions such as 'Only X reports that' "
    "or 'X reports that ...; Y reports that ...'. Answer with the rewritten sentence only."
)


@dataclass(frozen=True, kw_only=True)
class LLMConfig:
    """Where and how to call the model."""

    url: str
    model: str
    key: str | None = None
    timeout_s: float = DEFAULT_LLM_TIMEOUT_S

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMConfig | None:
        """The configuration of ``settings.llm_*`` (``MANYSIDES_LLM_*``), or ``None`` when not
        configured (off)."""
        if not settings.llm_url or not settings.llm_model:
            return None
        return cls(url=settings.llm_url.rstrip("/"), model=settings.llm_model,
                   key=settings.llm_key or None, timeout_s=settings.llm_timeout_s)


def complete(config: LLMConfig, messages: list[dict[str, str]], client: httpx.Client) -> str:
    """One chat completion (``POST {url}/chat/completions``); returns the answer's text."""
    headers = {"Authorization": f"Bearer {config.key}"} if config.key else {}
    resp = client.post(
        f"{config.url}/chat/completions",
        json={"model": config.model, "messages": messages, "temperature": 0},
        headers=headers,
        timeout=config.timeout_s,
    )
    resp.raise_for_status()
    return str(resp.json()["choices"][0]["message"]["content"]).strip()


def rewrite_summary(
    summary: list[SummarySentence],
    text: StoryText,
    similarity: Similarity,
    loaded: LoadedFn | None,
    config: LLMConfig,
) -> list[SummarySentence]:
    """``summary`` with each sentence replaced by the model's rewrite where that passes checks."""
    out: list[SummarySentence] = []
    with httpx.Client() as client:
        for sentence in summary:
            evidence = [ev for s in sentence.support
                        if (ev := text.evidence(s.article, s.sentence)) is not None]
            if not evidence:
                out.append(sentence)
                continue
            sources = "\n".join(f"- ({ev.outlet}) {ev.text}" for ev in evidence)
            messages = [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": f"Sentence: {sentence.text}\nSources:\n{sources}"},
            ]
            try:
                answer = complete(config, messages, client)
            except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
                log.warning("LLM rewrite failed (%s); keeping the extractive summary", exc)
                return summary
            answer = " ".join(answer.split())
            verdict = verify(answer, evidence, similarity)
            if answer and verdict.ok and not loaded_outside_quotes(answer, loaded) \
                    and _frame_kept(sentence.text, answer, evidence):
                out.append(replace(sentence, text=answer))
            else:
                log.info("LLM rewrite rejected (%s): %r", "; ".join(verdict.reasons) or
                         "loaded term or attribution lost", answer)
                out.append(sentence)
    return out


def _frame_kept(original: str, answer: str, evidence: list) -> bool:
    """A rewrite of an attributed sentence must still name the outlets it attributes to."""
    framed = original.startswith("Only ") or " reports that " in original
    if not (framed or " writes: " in original):
        return True
    outlets = {ev.outlet for ev in evidence if ev.outlet}
    return all(o in answer for o in outlets)
