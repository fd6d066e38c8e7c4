"""``python -m manysides.migrations URL``: upgrade the database at URL to the newest revision."""

import logging
import sys

from manysides.migrations import upgrade
from manysides.store import Store

logging.basicConfig(level=logging.INFO)
with Store(sys.argv[1], create=False) as store:
    print(upgrade(store.engine))
