"""Loading the spaCy pipeline: once per process, behind one small cached function.

``load_spacy`` returns the full pipeline as installed (every component enabled, as spaCy
loads it).  The analyze stage's main pass runs only ``ner`` through ``select_pipes``/``disable``
on the returned object (in the small English pipelines the entity recogniser embeds the tokens
itself: the shared ``tok2vec`` feeds only the tagger and the parser); the quote extractor runs
the parser on the few sentences that need it.  Callers must not mutate the shared object's pipeline
permanently (use ``nlp.select_pipes(...)`` as a context manager).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from manysides.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

# Components the main analysis pass does not need: sentence boundaries come from our own
# splitter, lemmas and fine attributes from nowhere we use; the parser runs only on
# sentences with an attribution cue (quotes).
MAIN_PASS_DISABLED = ("parser", "attribute_ruler", "lemmatizer", "senter", "tagger")


@functools.lru_cache(maxsize=4)
def load_spacy(name: str) -> Language:
    """Load the spaCy pipeline ``name`` (an installed package name or a directory path).

    Cached: every call with the same name in a process returns the same ``Language``.
    Raises ``ModelError`` naming the pipeline and what to install when it cannot be loaded.
    """
    import spacy  # heavy (about a second): only commands that analyse load it

    log.info("loading spaCy pipeline %s", name)
    path = Path(name).expanduser()
    target: str | Path = path if path.exists() else name
    try:
        nlp = spacy.load(target)
    except OSError as exc:
        raise ModelError(
            f"spaCy pipeline {name!r} not found: install its package "
            f"(e.g. `pip install {name}`) or pass the path of a pipeline folder "
            "(setting spacy_model / $MANYSIDES_SPACY_MODEL)"
        ) from exc
    except Exception as exc:  # a broken or incompatible pipeline folder
        raise ModelError(f"spaCy pipeline {name!r} could not be loaded: {exc}") from exc
    return nlp


def main_pass_disabled(nlp: Language) -> list[str]:
    """Names of the components of ``nlp`` the main (entities-only) pass switches off: those of
    ``MAIN_PASS_DISABLED``, and a shared embedding component (``tok2vec``, ``transformer``)
    that no component left on listens to (its output would be computed for nothing)."""
    off = {name for name in nlp.pipe_names if name in MAIN_PASS_DISABLED}
    on = set(nlp.pipe_names) - off
    return [name for name, pipe in nlp.pipeline if name in off or (
        hasattr(pipe, "listening_components") and not on & set(pipe.listening_components))]
