"""Story clustering: which articles report the same real-world event.

``assign_stories(store, article_ids, settings=...)`` places new articles incrementally (each
joins the best candidate story or founds one); ``recluster(store, settings=...)`` redoes every
story in publication order.  An editor's cues decide: the meaning of title and lead (the
"doc" embedding), shared named people, organisations, places and events, and time (an article
never joins a story more than ``max_gap_days`` from its span).  See ``assign`` for the steps,
``index`` for the candidate index (HNSW over centroids plus an entity index), ``anchor`` for the
story's date anchor, and ``data/cluster.toml`` for the weights and thresholds.
"""

from manysides.cluster.anchor import choose_anchor
from manysides.cluster.assign import assign_stories, recluster, story_id_for
from manysides.cluster.index import StoryIndex, story_index
from manysides.cluster.story import build_story

__all__ = [
    "StoryIndex",
    "assign_stories",
    "build_story",
    "choose_anchor",
    "recluster",
    "story_id_for",
    "story_index",
]
