"""Engines: where the per-article stages (read + clean, analyze) run.

Two engines share one small base class, :class:`Engine`:

- ``local`` (default): this process, or a process pool of ``settings.workers`` (no Ray needed);
- ``ray``: Ray Data batch stages on a local Ray instance or a cluster (``address=``), with
  callable stage classes so each worker loads its models once.

Either way the driver (this process) writes to the store, in input order, so both engines give
the same article ids, texts and analyses.  ``get_engine("ray")`` imports Ray only then.

>>> with get_engine("local") as engine:
...     report = engine.ingest(["news/"], store, settings=settings)
...     analysed = engine.analyze(store, settings=settings)
"""

from __future__ import annotations

from manysides.engine.base import (
    ENGINES,
    AnalyzeFn,
    Engine,
    ReadFn,
    analysis_version,
    expand_inputs,
)
from manysides.engine.local import LocalEngine
from manysides.engine.ray import RayEngine

__all__ = ["ENGINES", "Engine", "LocalEngine", "RayEngine", "analysis_version",
           "expand_inputs", "get_engine"]


def get_engine(
    name: str = "local",
    *,
    address: str | None = None,
    num_cpus: int | None = None,
    read_fn: ReadFn | None = None,
    analyze_fn: AnalyzeFn | None = None,
) -> Engine:
    """The engine called ``name`` ("local" or "ray"); ``address``: a Ray cluster to join.

    ``read_fn``/``analyze_fn`` replace the stage functions (default: ``manysides.ingest.
    read_inputs`` and ``manysides.analyze.analyze_each``); tests use small ones.
    """
    if name == "local":
        return LocalEngine(read_fn=read_fn, analyze_fn=analyze_fn)
    if name == "ray":
        return RayEngine(address=address, num_cpus=num_cpus, read_fn=read_fn,
                         analyze_fn=analyze_fn)
    raise ValueError(f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")
