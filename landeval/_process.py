"""Process-wide memory behaviour for a landeval command: transparent huge pages off.

A large run allocates and frees many gigabytes of short-lived arrays (numpy, Arrow, DuckDB).
numpy, Arrow's allocator (mimalloc) and DuckDB each ask the kernel for transparent huge
pages on their large blocks (``madvise(MADV_HUGEPAGE)``); where the kernel's ``defrag``
setting is ``madvise`` (the default on many distributions), every first touch of such a
block makes the kernel find and zero a 2 MiB page, compacting memory first if it has to. On
the virtual machines we measured that costs far more than it saves: at a million parcels,
the evaluation alone spent 21–27 s in the kernel with huge pages and 13–15 s without, and
took 34–38 s instead of 42–48 s (``benchmarks/``, notes of issue 10).

Only the command-line entry point and the benchmark call :func:`disable_transparent_hugepages`:
a library must not change the process it is imported into. Set ``LANDEVAL_HUGEPAGES=1`` to
keep the system's behaviour (on a machine where huge pages help, say).
"""

from __future__ import annotations

import ctypes
import os
import sys

_PR_SET_THP_DISABLE = 41  # <linux/prctl.h>; Linux 3.15 and later
KEEP_ENV = "LANDEVAL_HUGEPAGES"
"""Environment variable: ``1`` keeps the system's transparent-huge-page behaviour."""


def disable_transparent_hugepages() -> bool:
    """Switch transparent huge pages off for this process and the processes it starts.

    Returns whether they are now off. Does nothing, and returns False, off Linux, when the
    kernel refuses, or when ``LANDEVAL_HUGEPAGES=1`` is set. Results never depend on it:
    only the time the kernel spends handing out memory.
    """
    if not sys.platform.startswith("linux") or os.environ.get(KEEP_ENV) == "1":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
