"""Peak memory of a whole process tree (the benchmark and its worker processes), Linux /proc."""

from __future__ import annotations

import os
import threading


def tree_rss(root: int) -> int:
    """Total RSS in bytes of process ``root`` and all its descendants (Linux /proc)."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/status") as fh:
                total += next((int(line.split()[1]) * 1024 for line in fh
                               if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


class TreeSampler(threading.Thread):
    """Samples this process tree's total RSS every 0.2 s until stopped; ``peak`` in bytes."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.2):
            self.peak = max(self.peak, tree_rss(os.getpid()))

    def stop(self) -> int:
        self._halt.set()
        self.join()
        self.peak = max(self.peak, tree_rss(os.getpid()))
        return self.peak
