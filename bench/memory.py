"""Peak memory of a whole process tree (the benchmark and its worker processes), Linux /proc."""

from __future__ import annotations

import os
import threading


def _field_kib(path: str, name: str) -> int:
    with open(path) as fh:
        return next((int(line.split()[1]) for line in fh if line.startswith(name)), 0)


def tree_memory(root: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes summed over process ``root`` and all its descendants (Linux /proc).

    The RSS sum counts a shared page (libraries, Ray's shared-memory object store) once per
    process mapping it; PSS splits each shared page between its processes, so the PSS sum
    is the memory the tree really occupies.
    """
    rss = pss = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            rss += _field_kib(f"/proc/{pid}/status", "VmRSS:") * 1024
            pss += _field_kib(f"/proc/{pid}/smaps_rollup", "Pss:") * 1024
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss, pss


class TreeSampler(threading.Thread):
    """Samples this process tree's total RSS and PSS every 0.2 s until stopped.

    ``peak`` and ``peak_pss`` are the largest sums seen, in bytes.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.peak_pss = 0
        self._halt = threading.Event()

    def _sample(self) -> None:
        rss, pss = tree_memory(os.getpid())
        self.peak = max(self.peak, rss)
        self.peak_pss = max(self.peak_pss, pss)

    def run(self) -> None:
        while not self._halt.wait(0.2):
            self._sample()

    def stop(self) -> int:
        """Stop sampling; returns the peak RSS sum (``peak_pss`` holds the PSS one)."""
        self._halt.set()
        self.join()
        self._sample()
        return self.peak
