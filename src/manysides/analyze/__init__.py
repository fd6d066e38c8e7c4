"""Per-article analysis: sentences, entities, quotes, dates, quantities, embeddings.

Entry points (models load lazily, once per process, on first use):

- ``analyze_batch(articles, *, settings)`` -> ``[(ArticleAnalysis, {"sentences", "doc"})]``
- ``analyze_pending(store, *, settings, progress=None)`` -> ids analysed and saved
"""

from manysides.analyze.runner import ANALYSIS_VERSION, analyze_batch, analyze_pending

__all__ = ["ANALYSIS_VERSION", "analyze_batch", "analyze_pending"]
