"""Story clustering: which articles report the same real-world event.

``assign_stories(store, article_ids, settings=...)`` places new articles incrementally (each
joins the best candidate story or founds one), then repairs the stories it touched (merges two
that are one event, the old id redirecting; splits one that holds two); ``recluster(store,
settings=...)`` redoes every story in publication order.  An editor's cues decide: the meaning
of title and lead (the "doc" embedding), the words of the whole article (tf-idf, ``lexical``),
shared named people, organisations, places and events weighted by rarity, the days the article
reports, and time (an article never joins a story more than ``max_gap_days`` from its span).
See ``assign`` for the steps, ``index`` for the candidate index (HNSW over centroids plus an
entity index), ``anchor`` for the story's date anchor, ``data/cluster.toml`` for the settings
and ``data/story_model.toml`` for the weights that combine the cues.
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
