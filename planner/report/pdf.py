"""report.pdf: the HTML report printed to A4 by a headless Chromium (``plan --pdf``).

Chromium is not a Python package: it is found on the machine (``CARBONPATH_CHROMIUM``, then
``chromium``, ``chromium-browser``, ``google-chrome`` on the PATH) and checked before the
solve, so that a missing browser is a usage error, not a failure after minutes of solving.
The report's own print rules (A4, charts and tables kept whole, a CJK font stack) do the
layout; Chromium only renders and prints it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from planner.base.errors import UsageError
from planner.base.i18n_text import PDF_INSTALL_HINT

__all__ = ["CHROMIUM_NAMES", "find_chromium", "print_pdf"]

#: Programs tried in this order on the PATH (after ``CARBONPATH_CHROMIUM``).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: The fix of a --pdf that cannot print; kept with its Chinese in the sentence catalogue.
_INSTALL_HINT = PDF_INSTALL_HINT


def find_chromium() -> Path:
    """The Chromium (or Chrome) program to print with.

    Raises
    ------
    UsageError
        None found, or ``CARBONPATH_CHROMIUM`` names no executable file.
    """
    named = os.environ.get("CARBONPATH_CHROMIUM")
    if named:
        p = Path(named).expanduser()
        if p.is_file() and os.access(p, os.X_OK):
            return p
        raise UsageError(f"--pdf: CARBONPATH_CHROMIUM={named} is not an executable file; "
                         f"{_INSTALL_HINT}")
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise UsageError(f"--pdf needs a Chromium or Chrome browser and none was found; "
                     f"{_INSTALL_HINT}")


def print_pdf(html: Path, pdf: Path, chromium: Path, *, timeout_s: float = 180.0) -> None:
    """Print ``html`` to ``pdf`` (A4, as the report's print rules lay it out).

    A wide window first (the charts are drawn at that width, then fitted to the page by
    the report's print rules), a virtual-time budget so that the charts' scripts have run,
    no header or footer, a throw-away browser profile.

    Raises
    ------
    UsageError
        Chromium failed or wrote no PDF (its last message is quoted).
    """
    with tempfile.TemporaryDirectory(prefix="carbonpath-chromium-") as profile:
        cmd = [str(chromium), "--headless", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
               "--no-pdf-header-footer", "--window-size=1400,1000",
               f"--print-to-pdf={pdf}", html.resolve().as_uri()]
        if os.geteuid() == 0:  # Chromium refuses to run as root with its sandbox
            cmd.insert(2, "--no-sandbox")
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s,
                                 check=False)
        except subprocess.TimeoutExpired:
            raise UsageError(f"--pdf: {chromium} did not finish printing within "
                             f"{timeout_s:.0f} s; print report.html from a browser instead"
                             ) from None
    if not pdf.is_file() or pdf.stat().st_size == 0 or not pdf.read_bytes().startswith(b"%PDF"):
        last = (run.stderr or run.stdout or "").strip().splitlines()[-1:] or ["no message"]
        raise UsageError(f"--pdf: {chromium} wrote no PDF (exit {run.returncode}: {last[0]}); "
                         "print report.html from a browser instead")
