"""Per-article analysis: sentences, entities, quotes, dates, quantities, embeddings.

Entry points (models load lazily, once per process, on first use):

- ``analyze_batch(articles, *, settings)`` -> ``[(ArticleAnalysis, {"doc": vector})]``
- ``embed_sentences(analyses, *, settings)`` -> one ``n x 384`` matrix per analysis
- ``analyze_pending(store, *, settings, progress=None)`` -> ids analysed and saved
"""

from manysides.analyze.runner import (
    ANALYSIS_VERSION,
    analyze_batch,
    analyze_pending,
    embed_sentences,
)

__all__ = ["ANALYSIS_VERSION", "analyze_batch", "analyze_pending", "embed_sentences"]
