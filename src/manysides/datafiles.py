"""The packaged data files (``src/manysides/data/*.toml``): rules, word lists, tunable numbers.

Every stage reads its data file through ``load_data(name)``; outlet profiles have their own
loader in ``manysides.outlets`` (they may also come from a user's file).
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any


@functools.cache
def load_data(name: str) -> dict[str, Any]:
    """``manysides/data/<name>.toml`` as a dict, read once per process (shared: never modify)."""
    ref = resources.files("manysides") / "data" / f"{name}.toml"
    with ref.open("rb") as fh:
        return tomllib.load(fh)
