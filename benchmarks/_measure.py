"""Running one command as a child process and measuring it: wall seconds and peak RSS.

Each measurement is its own process (interpreter start-up and imports included). The child is
reaped with ``os.wait4``, whose rusage gives the child's own ``ru_maxrss`` (Linux: KiB; it
covers the child and any descendants it waited for) — exact, and independent of every other
measurement of the run, unlike ``getrusage(RUSAGE_CHILDREN)``, which only ever grows.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    rc: int


@dataclass
class Series:
    """Repeated samples of one measurement."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.samples)

    @property
    def rcs(self) -> list[int]:
        return sorted({s.rc for s in self.samples})

    def to_dict(self) -> dict:
        return {"median_s": round(self.seconds, 3), "peak_mb": round(self.peak_mb, 1), "rc": self.rcs,
                "runs_s": [round(s.seconds, 3) for s in self.samples],
                "samples": [[round(s.seconds, 4), round(s.peak_mb, 1), s.rc] for s in self.samples]}

    @classmethod
    def from_dict(cls, d: dict) -> Series:
        """Back from :meth:`to_dict` (older files without ``samples``: each run gets the peak)."""
        if "samples" in d:
            return cls([Sample(a, b, c) for a, b, c in d["samples"]])
        rc = d["rc"][0] if d.get("rc") else 0
        return cls([Sample(x, d["peak_mb"], rc) for x in d["runs_s"]])


def run(cmd: list[str], cwd: Path, stdout: Path | None = None, stderr: Path | None = None,
        env: dict | None = None) -> Sample:
    """Run ``cmd`` to completion; stdout/stderr go to files (or /dev/null)."""
    out = open(stdout, "wb") if stdout else open(os.devnull, "wb")  # noqa: SIM115
    err = open(stderr, "wb") if stderr else open(os.devnull, "wb")  # noqa: SIM115
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    finally:
        out.close()
        err.close()
    return Sample(seconds, usage.ru_maxrss / 1024, proc.returncode)
