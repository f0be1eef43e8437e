"""Crash points for the ``kill -9`` tests of the Batch API route.

``SUMMARIZER_FAULT_KILL_AT=<step>`` makes the process SIGKILL itself when it reaches that
step (nothing is flushed or cleaned up, exactly like ``kill -9``). Steps, in order:
``before_upload``, ``after_upload`` (the file exists remotely, its id is not recorded),
``after_create`` (the batch exists remotely, its id is not recorded), ``polling`` (after
the first status check), ``downloading`` (an output file is read, nothing stored yet),
``collecting`` (the first result is stored). Unset, this costs one dict lookup per step.
"""

from __future__ import annotations

import os
import signal

KILL_ENV = "SUMMARIZER_FAULT_KILL_AT"
STEPS = ("before_upload", "after_upload", "after_create", "polling", "downloading",
         "collecting")


def crashpoint(step: str) -> None:
    """Die here, as ``kill -9`` would, when the environment names ``step``."""
    if os.environ.get(KILL_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)
