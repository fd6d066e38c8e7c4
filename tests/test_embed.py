"""Embeddings: the int8 ONNX MiniLM against the fp32 PyTorch reference, loading and errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from manysides.analyze.embed import load_embedder
from manysides.errors import ModelError
from manysides.settings import DEFAULT_EMBEDDING_MODEL, DEFAULT_TOKENIZER

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


@pytest.fixture(scope="session")
def embedder():
    return load_embedder(DEFAULT_EMBEDDING_MODEL, DEFAULT_TOKENIZER)


def test_int8_matches_fp32_reference(embedder):
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    vectors = embedder.encode(ref["sentences"], batch_size=16)
    expected = np.asarray(ref["vectors"], dtype=np.float32)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    cosines = (vectors * expected).sum(axis=1)
    assert len(cosines) == len(ref["sentences"]) >= 40
    assert cosines.min() >= 0.99, list(zip(ref["sentences"], cosines.round(4), strict=True))


def test_encode_shape_norm_order_and_batching(embedder):
    texts = ["A long sentence about a ministerial visit to the capital, " * 3,
             "Short.", "", "Rain fell on the harbour."]
    out = embedder.encode(texts, batch_size=2)
    assert out.shape == (4, 384) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-4)
    # rows come back in input order whatever the length-sorted batching did
    single = embedder.encode([texts[3]])
    assert float(out[3] @ single[0]) > 0.999
    assert embedder.encode([]).shape == (0, 384)


def test_long_text_truncated_not_failing(embedder):
    out = embedder.encode(["word " * 2000])
    assert out.shape == (1, 384) and np.isfinite(out).all()


def test_loader_accepts_paths_and_vocab_fallback(tmp_path, embedder):
    vocab = Path(embedder.tokenizer_source).parent / "vocab.txt"
    shutil.copy(vocab, tmp_path / "vocab.txt")  # a folder with vocab.txt only
    other = load_embedder(str(embedder.model_path), str(tmp_path))
    text = ["The harbour authority opened a new terminal."]
    assert float(other.encode(text)[0] @ embedder.encode(text)[0]) > 0.999


def test_missing_model_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        load_embedder(str(tmp_path / "nope"), DEFAULT_TOKENIZER)
    with pytest.raises(ModelError, match="tokenizer"):
        load_embedder(DEFAULT_EMBEDDING_MODEL, "no_such_tokenizer_package")
