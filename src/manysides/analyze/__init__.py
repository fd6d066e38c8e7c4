"""Per-article analysis: sentences, entities, quotes, dates, quantities, embeddings."""
