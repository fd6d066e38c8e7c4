"""Per-article analysis: sentences, entities, quotes, dates, quantities, embeddings.

Entry points (models load lazily, once per process, on first use):

- ``analyze_batch(articles, *, settings)`` -> ``[(ArticleAnalysis, {"doc": vector})]``
- ``analyze_each(articles, *, settings)`` -> the same without linking across articles, or
  the reason an article failed (the engines' step)
- ``embed_sentences(analyses, *, settings)`` -> one ``n x 384`` matrix per analysis
- ``analyze_pending(store, *, settings, progress=None)`` -> ids analysed and saved
"""

from manysides.analyze.runner import (
    ANALYSIS_VERSION,
    analyze_batch,
    analyze_each,
    analyze_pending,
    embed_sentences,
)

__all__ = [
    "ANALYSIS_VERSION",
    "analyze_batch",
    "analyze_each",
    "analyze_pending",
    "embed_sentences",
]
