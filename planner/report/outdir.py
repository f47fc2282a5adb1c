"""Where results may be written: check, lock and commit an output folder.

The rule: carbonpath never deletes or overwrites a file it did not write. It writes
into a new or empty folder, or into one it wrote before, recognised by the manifest
``.carbonpath`` it leaves there (the names and SHA-256 digests of the files it wrote).
Anything else is refused with exit 2 *before* the solve, unless ``force`` is set:
then only files named like this command's outputs are replaced, and nothing else is
ever deleted.

The life of an output folder (``docs/outputs.md``, "Where results are written"):

1. :class:`OutputDir` checks the location (``~`` expanded, symlinks resolved, a
   dangling link refused, the folder writable, its contents ours) and takes a lock so
   that a second run into the same folder stops at once (exit 2).
2. The command solves; then :meth:`OutputDir.write` builds every file in a staging
   folder *on the same filesystem as the target* (beside a new folder, inside an
   existing one), so each rename is atomic and never crosses filesystems (EXDEV).
3. The commit: a new folder is renamed into place whole; into an existing folder each
   file is renamed over its previous version, files of the previous run that are no
   longer written are deleted (only if unchanged since carbonpath wrote them), and the
   manifest is rewritten. SIGINT and SIGTERM are held during these few renames, so an
   interrupt leaves either the old or the new set of files. A failure or interrupt
   before the commit removes the staging folder and any parent folder it created.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from planner.base.errors import CarbonpathError

try:
    import fcntl
except ImportError:  # Windows: no flock; runs into one folder are then not serialised
    fcntl = None  # type: ignore[assignment]

__all__ = ["MARKER", "OutputDir", "OutputLocationError", "atomic_output_dir", "lock_path"]

#: The manifest carbonpath leaves in every folder it writes.
MARKER = ".carbonpath"
_STAGE = ".carbonpath.tmp-"
_FORMAT = 1
_FORCE_HINT = ("or use --force to write into it anyway (it replaces only files named like "
               "carbonpath's outputs and deletes nothing)")


class OutputLocationError(CarbonpathError):
    """An output folder that cannot or may not be written (exit 2)."""

    exit_code = 2


def _fail(given: Path, what: str, fix: str) -> OutputLocationError:
    return OutputLocationError(f"--out {given}: {what}. Fix: {fix}.")


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _resolve(given: Path) -> Path:
    """``~`` expanded and every symlink resolved; a dangling link is refused."""
    path = Path(os.path.expanduser(str(given)))
    path = path if path.is_absolute() else Path.cwd() / path  # ".." is left to resolve()
    for p in (path, *path.parents):
        if p.is_symlink() and not p.exists():
            raise _fail(given, f"{p} is a symbolic link to {os.readlink(p)}, which does not "
                               "exist", "create the folder it points to, remove the link, "
                               "or give another folder")
    return path.resolve()


def _read_manifest(folder: Path, given: Path) -> dict[str, str] | None:
    """The manifest's ``{file: sha256}``, None without one; a foreign ``.carbonpath`` fails."""
    marker = folder / MARKER
    if not marker.exists() and not marker.is_symlink():
        return None
    try:
        if marker.is_symlink() or not marker.is_file():
            raise ValueError
        data = json.loads(marker.read_text(encoding="utf-8"))
        files = data["files"]
        if data.get("written_by") != "carbonpath" or not isinstance(files, dict):
            raise ValueError
        return {str(k): str(v) for k, v in files.items() if "/" not in str(k)}
    except (ValueError, KeyError, TypeError, OSError, UnicodeDecodeError):
        raise _fail(given, f"{marker} exists but is not a manifest written by carbonpath",
                    "rename or remove it, or choose another folder") from None


def _manifest_text(files: dict[str, str]) -> str:
    return json.dumps({"written_by": "carbonpath", "format": _FORMAT,
                       "note": "files carbonpath wrote here and may replace; other files "
                               "are never touched",
                       "files": dict(sorted(files.items()))}, indent=2) + "\n"


@dataclass
class _Contents:
    """What an existing folder holds, from carbonpath's point of view."""

    ours: dict[str, str] = field(default_factory=dict)  # listed and unchanged: name -> sha256
    foreign: list[str] = field(default_factory=list)  # everything else but the manifest
    stale_stages: list[str] = field(default_factory=list)  # staging folders of a killed run
    marked: bool = False


def _unchanged(path: Path, sha256: str) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and _digest(path) == sha256
    except OSError:  # unreadable: cannot be shown to be ours
        return False


def _contents(folder: Path, given: Path) -> _Contents:
    manifest = _read_manifest(folder, given)
    c = _Contents(marked=manifest is not None)
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise _fail(given, f"cannot list {folder} ({exc.strerror})",
                    "choose a folder you can read and write, or change its permissions") from None
    for name in names:
        if name == MARKER:
            continue
        p = folder / name
        if name.startswith(_STAGE) and p.is_dir() and not p.is_symlink() and c.marked:
            c.stale_stages.append(name)
        elif manifest and name in manifest and _unchanged(p, manifest[name]):
            c.ours[name] = manifest[name]
        else:
            c.foreign.append(name)
    return c


def _check_contents(c: _Contents, folder: Path, given: Path, names: Iterable[str],
                    force: bool) -> None:
    """Refuse a folder whose files carbonpath would overwrite without having written them."""
    shown = ", ".join(c.foreign[:5]) + (f" and {len(c.foreign) - 5} more"
                                        if len(c.foreign) > 5 else "")
    if c.foreign and not c.marked and not force:
        raise _fail(given, f"{folder} is not empty and was not written by carbonpath "
                           f"(it holds {shown}); carbonpath never replaces or deletes files it "
                           "did not write", f"choose a new or empty folder, {_FORCE_HINT}")
    clash = sorted(set(c.foreign) & set(names))
    if clash and not force:
        raise _fail(given, f"{', '.join(clash)} in {folder} "
                           f"{'was' if len(clash) == 1 else 'were'} not written by carbonpath "
                           "or changed since", f"move {'it' if len(clash) == 1 else 'them'} "
                           f"away, {_FORCE_HINT}")
    blocked = [n for n in clash if (folder / n).is_dir() and not (folder / n).is_symlink()]
    if blocked:
        raise _fail(given, f"{', '.join(blocked)} in {folder} is a folder where carbonpath "
                           "writes a file", "move it away or choose another folder")


def _probe_writable(place: Path, given: Path) -> None:
    """Create and remove a folder in ``place``: the real test (mode bits, ACLs, ro mounts)."""
    try:
        os.rmdir(tempfile.mkdtemp(prefix=_STAGE, dir=place))
    except OSError as exc:
        raise _fail(given, f"cannot write in {place} ({exc.strerror})",
                    "choose a folder you can write to, or change its permissions") from None


def lock_path(folder: Path) -> Path:
    """The lock file of an output folder (in the system's temporary folder, never in it)."""
    key = hashlib.sha256(os.fsencode(folder)).hexdigest()[:32]
    return Path(tempfile.gettempdir()) / "carbonpath-locks" / f"{key}.lock"


class _Lock:
    """An exclusive ``flock`` on :func:`lock_path`; another holder means exit 2 at once.

    The lock file is removed on release; the inode check after locking makes the
    remove safe against a run that opened the file just before it was removed.
    """

    def __init__(self, folder: Path, given: Path) -> None:
        self.path = lock_path(folder)
        self.fd: int | None = None
        self.folder, self.given = folder, given

    def acquire(self) -> None:
        if fcntl is None:
            return
        d = self.path.parent
        while True:
            try:
                if not d.is_dir():
                    d.mkdir(parents=True, exist_ok=True)
                    with suppress(OSError):  # shared by every user, like /tmp itself
                        d.chmod(0o1777)
                try:
                    fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
                except PermissionError:  # another user's lock file: locking needs reading only
                    fd = os.open(self.path, os.O_RDONLY)
            except OSError as exc:
                raise _fail(self.given, f"cannot create the lock file {self.path} "
                                        f"({exc.strerror})",
                            f"make {d} writable, or set TMPDIR to a folder you can "
                            "write to") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
                os.close(fd)
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    busy = (f"another plan is writing here (process {holder}): {self.folder}"
                            if holder.isdigit() else
                            f"another plan is writing here: {self.folder}")
                    raise _fail(self.given, busy,
                                "wait for it to finish, or choose another folder") from None
                raise _fail(self.given, f"cannot lock {self.path} ({exc.strerror})",
                            "set TMPDIR to a folder on a local disk") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the file was removed by its last holder: lock the new one
        with suppress(OSError):  # the holder's pid, for the message of a second run
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is None:
            return
        with suppress(OSError):
            os.unlink(self.path)
        os.close(self.fd)
        self.fd = None


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM during a commit; deliver them after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[signal.Signals] = []
    sigs = (signal.SIGINT, signal.SIGTERM)
    def hold(signum: int, _frame: object) -> None:
        caught.append(signal.Signals(signum))

    previous = {s: signal.signal(s, hold) for s in sigs}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in caught[:1]:
            signal.raise_signal(s)


def _replace_file(src: Path, dst: Path) -> None:
    # A symlink at ``dst`` is replaced by the file, never followed (os.replace renames).
    os.replace(src, dst)


class OutputDir:
    """An output folder checked and locked before the solve, written after it.

    Parameters
    ----------
    path : Path
        The folder given by the user (``~`` expanded; symlinks followed to their target,
        which must exist).
    names : iterable of str
        Every file name this command may write (the check refuses a folder where one of
        them is a file carbonpath did not write).
    force : bool
        Write into a non-empty folder carbonpath did not write, replacing files that
        have these names; nothing else is replaced and nothing is deleted.

    Use as a context manager: entering takes the lock, leaving releases it.
    """

    def __init__(self, path: Path | str, names: Iterable[str], *, force: bool = False) -> None:
        self.given = Path(path)
        self.names = frozenset(names)
        self.force = force
        self.path = _resolve(self.given)
        self._check()
        self._lock = _Lock(self.path, self.given)

    def _check(self) -> None:
        path, given = self.path, self.given
        if path.exists() and not path.is_dir():
            raise _fail(given, f"{path} is a file, not a folder", "give a folder")
        if path.is_dir():
            _check_contents(_contents(path, given), path, given, self.names, self.force)
            _probe_writable(path, given)
            return
        ancestor = path.parent
        while not ancestor.exists():
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise _fail(given, f"{ancestor} is a file, not a folder", "give another path")
        _probe_writable(ancestor, given)

    def __enter__(self) -> OutputDir:
        self._lock.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._lock.release()

    def write(self, write: Callable[[Path], None]) -> Path:
        """Run ``write(staging_folder)``, then commit its files to the folder.

        Returns the folder's resolved path.
        """
        self._check()  # again: files may have appeared during the solve
        if self.path.is_dir():
            self._write_into(write)
        else:
            self._write_new(write)
        return self.path

    def _write_new(self, write: Callable[[Path], None]) -> None:
        created = []
        d = self.path.parent
        while not d.exists():
            created.append(d)
            d = d.parent
        try:
            for c in reversed(created):
                c.mkdir()
            stage = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.tmp-",
                                          dir=self.path.parent))
        except OSError:
            _remove_created(created)
            raise
        try:
            write(stage)
            files = _staged(stage)
            (stage / MARKER).write_text(_manifest_text(files), encoding="utf-8")
            stage.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would hide results from others
            with _signals_held():
                os.rename(stage, self.path)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            _remove_created(created)
            raise

    def _write_into(self, write: Callable[[Path], None]) -> None:
        folder = self.path
        before = _contents(folder, self.given)
        for name in before.stale_stages:
            shutil.rmtree(folder / name, ignore_errors=True)
        stage = Path(tempfile.mkdtemp(prefix=_STAGE, dir=folder))
        try:
            write(stage)
            files = _staged(stage)
            _check_contents(before, folder, self.given, files, self.force)
            interim = stage / (MARKER + ".new")
            with _signals_held():
                # The manifest lists old and new files while they are swapped, so an
                # interrupted commit leaves only files a later run may replace.
                interim.write_text(_manifest_text({**before.ours, **files}), encoding="utf-8")
                os.replace(interim, folder / MARKER)
                for name in files:
                    _replace_file(stage / name, folder / name)
                for name in sorted(set(before.ours) - set(files)):
                    with suppress(FileNotFoundError):
                        os.unlink(folder / name)
                interim.write_text(_manifest_text(files), encoding="utf-8")
                os.replace(interim, folder / MARKER)
                os.rmdir(stage)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise


def _staged(stage: Path) -> dict[str, str]:
    """The staged files and their digests (a command writes plain files only)."""
    out = {}
    for p in sorted(stage.iterdir()):
        if not p.is_file() or p.is_symlink():
            raise CarbonpathError(f"internal: staged output {p.name} is not a plain file")
        out[p.name] = _digest(p)
    return out


def _remove_created(created: list[Path]) -> None:
    for c in created:  # innermost first
        try:
            c.rmdir()
        except OSError:
            break


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_output_dir(out_dir: Path | str | OutputDir, write: Callable[[Path], None],
                      names: Iterable[str] = (), *, force: bool = False) -> Path:
    """Check, lock and write ``out_dir`` in one call (see :class:`OutputDir`).

    ``out_dir`` may be an :class:`OutputDir` already entered (checked before a solve).
    ``names`` lists the files ``write`` may create (for the check).
    """
    if isinstance(out_dir, OutputDir):
        return out_dir.write(write)
    with OutputDir(out_dir, names, force=force) as out:
        return out.write(write)
