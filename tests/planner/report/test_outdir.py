"""The output folder rule, on the writer itself (no solve): carbonpath never deletes or
overwrites a file it did not write, and leaves nothing behind when it stops."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from planner.report import outdir
from planner.report.outdir import (
    MARKER,
    OutputDir,
    OutputLocationError,
    atomic_output_dir,
    lock_path,
)
from tests.conftest import REPO

NAMES = ("roadmap.csv", "summary.json")


def _writer(text: str, names: tuple[str, ...] = NAMES):
    def write(tmp: Path) -> None:
        for n in names:
            (tmp / n).write_text(text)
    return write


def _leftovers(*folders: Path) -> list[str]:
    """Staging folders and old copies anywhere in these folders."""
    return sorted(p.name for f in folders if f.is_dir() for p in f.iterdir()
                  if ".tmp-" in p.name or ".old-" in p.name)


def test_a_new_folder_gets_the_files_and_a_manifest_of_them(tmp_path):
    out = tmp_path / "a" / "b" / "out"  # parents created too
    atomic_output_dir(out, _writer("x\n"), NAMES)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, *NAMES]
    manifest = json.loads((out / MARKER).read_text())
    assert manifest["written_by"] == "carbonpath"
    # sha256 of b"x\n", computed independently: `printf 'x\n' | sha256sum`
    assert manifest["files"]["roadmap.csv"] == (
        "73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac")
    assert _leftovers(out.parent, out) == []
    assert not lock_path(out).exists()


def test_a_foreign_file_is_kept_and_the_folder_refused(tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    with pytest.raises(OutputLocationError,
                       match=r"not written by carbonpath.*notes\.txt.*--force"):
        OutputDir(out, NAMES)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "mine\n"


def test_an_empty_folder_is_used(tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    atomic_output_dir(out, _writer("x\n"), NAMES)
    assert (out / "roadmap.csv").read_text() == "x\n"
    assert _leftovers(tmp_path, out) == []


def test_a_rerun_replaces_its_own_files_removes_its_stale_ones_and_keeps_the_users(tmp_path):
    out = tmp_path / "r"
    atomic_output_dir(out, _writer("old\n", ("roadmap.csv", "rules.csv")), (*NAMES, "rules.csv"))
    (out / "notes.txt").write_text("mine\n")  # the user's, added later
    atomic_output_dir(out, _writer("new\n", ("roadmap.csv",)), (*NAMES, "rules.csv"))
    # rules.csv was carbonpath's and is not written this time: removed; notes.txt kept
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "notes.txt", "roadmap.csv"]
    assert (out / "roadmap.csv").read_text() == "new\n"
    assert set(json.loads((out / MARKER).read_text())["files"]) == {"roadmap.csv"}
    assert _leftovers(tmp_path, out) == []


def test_a_file_changed_since_carbonpath_wrote_it_is_not_replaced_without_force(tmp_path):
    out = tmp_path / "r"
    atomic_output_dir(out, _writer("old\n"), NAMES)
    (out / "roadmap.csv").write_text("edited by hand\n")
    with pytest.raises(OutputLocationError, match=r"roadmap\.csv .*changed since"):
        atomic_output_dir(out, _writer("new\n"), NAMES)
    assert (out / "roadmap.csv").read_text() == "edited by hand\n"
    atomic_output_dir(out, _writer("new\n"), NAMES, force=True)
    assert (out / "roadmap.csv").read_text() == "new\n"


def test_a_changed_stale_file_is_kept(tmp_path):
    out = tmp_path / "r"
    atomic_output_dir(out, _writer("old\n", ("roadmap.csv", "rules.csv")), NAMES)
    (out / "rules.csv").write_text("annotated\n")
    atomic_output_dir(out, _writer("new\n", ("roadmap.csv",)), NAMES)
    assert (out / "rules.csv").read_text() == "annotated\n"


def test_force_replaces_only_files_of_its_names_and_deletes_nothing(tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    (out / "roadmap.csv").write_text("someone else's\n")
    atomic_output_dir(out, _writer("new\n"), NAMES, force=True)
    assert (out / "notes.txt").read_text() == "mine\n"
    assert (out / "roadmap.csv").read_text() == "new\n"
    assert set(json.loads((out / MARKER).read_text())["files"]) == set(NAMES)
    # now the folder is carbonpath's: a run without --force works, notes.txt still kept
    atomic_output_dir(out, _writer("again\n"), NAMES)
    assert (out / "notes.txt").read_text() == "mine\n"


def test_force_never_replaces_a_folder_or_a_foreign_manifest(tmp_path):
    out = tmp_path / "r"
    (out / "roadmap.csv").mkdir(parents=True)
    with pytest.raises(OutputLocationError, match="is a folder"):
        OutputDir(out, NAMES, force=True)
    other = tmp_path / "s"
    other.mkdir()
    (other / MARKER).write_text("my own notes\n")
    with pytest.raises(OutputLocationError, match="not a manifest written by carbonpath"):
        OutputDir(other, NAMES, force=True)
    assert (other / MARKER).read_text() == "my own notes\n"


def test_a_file_where_a_folder_is_expected_is_refused(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(OutputLocationError, match="is a file"):
        OutputDir(f, NAMES)
    with pytest.raises(OutputLocationError, match="is a file"):
        OutputDir(f / "sub", NAMES)


def test_a_failure_mid_write_leaves_nothing_in_a_new_folder(tmp_path):
    out = tmp_path / "new" / "deeper" / "out"

    def write(tmp: Path) -> None:
        (tmp / "roadmap.csv").write_text("half\n")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_output_dir(out, write, NAMES)
    assert list(tmp_path.iterdir()) == []  # the parents it created are gone too
    assert not lock_path(out).exists()


@pytest.mark.parametrize("exc", [KeyboardInterrupt, OSError])
def test_an_interrupt_or_failure_mid_write_keeps_the_previous_results(tmp_path, exc):
    out = tmp_path / "out"
    atomic_output_dir(out, _writer("old\n"), NAMES)
    (out / "notes.txt").write_text("mine\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def write(tmp: Path) -> None:
        (tmp / "summary.json").write_text("new\n")
        raise exc

    with pytest.raises(exc):
        atomic_output_dir(out, write, NAMES)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _leftovers(tmp_path, out) == []


def test_ctrl_c_during_the_commit_is_held_until_every_file_is_in_place(tmp_path, monkeypatch):
    out = tmp_path / "out"
    atomic_output_dir(out, _writer("old\n"), NAMES)
    real = outdir._replace_file
    calls = []

    def replace_then_interrupt(src: Path, dst: Path) -> None:
        if not calls:
            signal.raise_signal(signal.SIGINT)  # arrives between the first and second file
        calls.append(dst.name)
        real(src, dst)

    monkeypatch.setattr(outdir, "_replace_file", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_output_dir(out, _writer("new\n"), NAMES)
    assert calls == sorted(NAMES)
    assert all((out / n).read_text() == "new\n" for n in NAMES)
    assert _leftovers(tmp_path, out) == []


def test_dot_and_tilde(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    atomic_output_dir(Path("~/results"), _writer("x\n"), NAMES)
    assert (tmp_path / "results" / "roadmap.csv").read_text() == "x\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    atomic_output_dir(Path("."), _writer("x\n"), NAMES)
    assert sorted(p.name for p in empty.iterdir()) == [MARKER, *NAMES]
    monkeypatch.chdir(tmp_path)  # holds results/ and empty/: not carbonpath's
    with pytest.raises(OutputLocationError, match="not empty"):
        OutputDir(Path("."), NAMES)


def test_a_dangling_symlink_is_refused_and_left_alone(tmp_path):
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "missing")
    with pytest.raises(OutputLocationError, match=r"symbolic link to .*missing.*does not exist"):
        OutputDir(link, NAMES)
    assert link.is_symlink() and not (tmp_path / "missing").exists()


def test_a_symlinked_folder_stays_a_symlink_and_receives_the_files(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "out"
    link.symlink_to(real)
    atomic_output_dir(link, _writer("x\n"), NAMES)
    atomic_output_dir(link, _writer("y\n"), NAMES)  # a re-run, too
    assert link.is_symlink()
    assert (real / "roadmap.csv").read_text() == "y\n"
    assert _leftovers(tmp_path, real) == []


def test_a_symlink_to_another_filesystem_works_without_leftovers(tmp_path):
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second filesystem at /dev/shm")
    other = Path(tempfile.mkdtemp(dir=shm))
    try:
        link = tmp_path / "out"
        link.symlink_to(other / "results")  # dangling until the folder exists
        (other / "results").mkdir()
        for text in ("x\n", "y\n"):
            atomic_output_dir(link, _writer(text), NAMES)
        assert (other / "results" / "summary.json").read_text() == "y\n"
        assert _leftovers(tmp_path, other, other / "results") == []
        assert link.is_symlink()
    finally:
        shutil.rmtree(other)


def _as_unprivileged(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command as a user that file modes apply to (root ignores them)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: modes cannot be tested")
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(cwd)}
    return subprocess.run([*prefix, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120, check=False)


@pytest.fixture
def shared_tmp():
    """A temporary folder every user can enter (pytest's own is private to its user)."""
    d = Path(tempfile.mkdtemp(prefix="carbonpath-modes-"))
    d.chmod(0o777)
    yield d
    for p in d.rglob("*"):
        if p.is_dir():
            p.chmod(0o755)
    shutil.rmtree(d)


@pytest.mark.parametrize("case", ["read-only parent", "read-only target"])
def test_a_read_only_location_is_refused_before_the_solve(shared_tmp, case):
    scenario = REPO / "scenarios" / "food_zhejiang.toml"
    parent = shared_tmp / "ro"
    parent.mkdir()
    target = parent / "out"
    if case == "read-only target":
        target.mkdir()
        target.chmod(0o555)
    parent.chmod(0o555)
    t0 = time.perf_counter()
    proc = _as_unprivileged([sys.executable, str(REPO / "cli.py"), str(scenario), "--out",
                             str(target), "--quiet"], shared_tmp)
    assert proc.returncode == 2, proc.stderr
    assert "cannot write in" in proc.stderr and "Traceback" not in proc.stderr
    assert f"{'out' if case == 'read-only target' else 'ro'} (Permission denied)" in proc.stderr
    assert time.perf_counter() - t0 < 60  # the food plant's solve alone is longer under load
    assert sorted(p.name for p in parent.iterdir()) == (["out"] if target.exists() else [])


_HOLDER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {repo!r})
    from planner.report.outdir import OutputDir
    with OutputDir({out!r}, ["roadmap.csv"]):
        print("locked", flush=True)
        time.sleep(60)
""")


def test_a_second_writer_of_the_same_folder_stops_at_once(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER.format(repo=str(REPO),
                                                                     out=str(out))],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with (pytest.raises(OutputLocationError,
                            match=rf"another plan is writing here \(process {holder.pid}\)"),
              OutputDir(out, NAMES)):
            pass
        # through a symlink to the same folder, too
        (tmp_path / "alias").symlink_to(out, target_is_directory=True)
        out.mkdir()
        with (pytest.raises(OutputLocationError, match="another plan is writing here"),
              OutputDir(tmp_path / "alias", NAMES)):
            pass
    finally:
        holder.send_signal(signal.SIGINT)
        holder.wait(timeout=30)
        holder.stdout.close()
    # the holder is gone: its lock is free and its lock file removed
    assert not lock_path(out.resolve()).exists()
    atomic_output_dir(out, _writer("x\n"), NAMES)


_SLOW_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {repo!r})
    from planner.report.outdir import atomic_output_dir

    def write(tmp):
        (tmp / "roadmap.csv").write_text("half")
        print("writing", flush=True)
        time.sleep(60)

    try:
        atomic_output_dir(Path({out!r}), write, ["roadmap.csv"])
    except KeyboardInterrupt:
        sys.exit(130)
""")


@pytest.mark.parametrize("existing", [False, True])
def test_a_real_sigint_while_writing_leaves_nothing_behind(tmp_path, existing):
    out = tmp_path / "out"
    if existing:
        atomic_output_dir(out, _writer("old\n", ("roadmap.csv",)), NAMES)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER.format(repo=str(REPO),
                                                                       out=str(out))],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    proc.stdout.close()
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert not lock_path(out.resolve()).exists()
    if existing:
        assert (out / "roadmap.csv").read_text() == "old\n"
