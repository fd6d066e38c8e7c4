"""manysides: many outlets, one story, every side laid next to the others.

The public library API::

    from manysides import Store, Settings, run_pipeline
"""

from manysides.models import Article, Story
from manysides.settings import Settings
from manysides.store import Store

__version__ = "0.1.0"
__all__ = ["Article", "Settings", "Story", "Store", "__version__"]
