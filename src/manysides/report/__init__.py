"""Report stage: the neutral cited summary, the timeline, and the story as md/html/json/csv.

``summarize(story, articles, settings=...)`` fills ``story.summary`` and ``story.timeline``;
``render(story, articles, fmt)`` and ``render_bundle(stories, articles_by_id)`` write reports.
"""

from manysides.report.render import FORMATS, render, render_bundle
from manysides.report.summary import summarize
from manysides.report.verify import Evidence, Verdict, verify

__all__ = [
    "FORMATS",
    "Evidence",
    "Verdict",
    "render",
    "render_bundle",
    "summarize",
    "verify",
]
