"""Read a user's file only if it is a regular file of bounded size.

A device (``/dev/zero``), a FIFO or a socket given as a scenario or CSV would make a
plain read never end or block forever; a huge file would exhaust memory and time.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["UnreadableFileError", "read_bounded"]

_SMALLER = "give a smaller file: merge similar entries (limits in docs/errors.md)"


class UnreadableFileError(Exception):
    """A file that is not read: the message and the fix for the user."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message, self.fix = message, fix


def read_bounded(path: Path, max_bytes: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``.

    A device (``/dev/zero``), FIFO or socket is refused before it is opened (reading
    it would never end or block); a larger file is refused by its size, and a file
    that grows while being read by the bytes actually read.

    Raises
    ------
    UnreadableFileError
        With the message and fix for the user; OSError for permission problems.
    """
    mode = os.stat(path).st_mode  # follows symlinks, does not open or block
    if not stat.S_ISREG(mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else
                "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
                "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise UnreadableFileError(f"is {kind}, not a regular file",
                         f"save the {what} as a file and give its path")
    limit = f"{max_bytes / (1 << 20):g} MiB"
    if os.stat(path).st_size > max_bytes:
        raise UnreadableFileError(f"is larger than {limit}, the limit for a {what} file",
                         _SMALLER)
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnreadableFileError(f"is larger than {limit}, the limit for a {what} file", _SMALLER)
    return data
