"""Peak memory of the worker process during one activity, to check preflight's estimate against.

Linux: writing 5 to /proc/self/clear_refs resets the process's peak resident set (VmHWM), which is then
read from /proc/self/status; elsewhere (or if the reset is refused) ru_maxrss, the peak since the
process started, is an upper bound. CUDA: torch's peak allocated bytes since the reset."""

from __future__ import annotations

import resource
import sys
from typing import Optional


def reset_peaks() -> bool:
    """Reset the peak counters; False when the RSS peak cannot be reset (then it is process-lifetime)."""
    import torch

    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss_bytes() -> int:
    """Peak resident set size in bytes since reset_peaks() (or since the process started)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def peak_cuda_bytes() -> Optional[int]:
    """Peak CUDA memory allocated by torch since reset_peaks(); None without CUDA."""
    import torch

    return int(torch.cuda.max_memory_allocated()) if torch.cuda.is_available() else None
