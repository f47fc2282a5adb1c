"""The ``plan`` command: wires the planner's steps together; no logic of its own.

Exit codes (also in the README):

==  ==========================================================================
0   plan found and proven optimal (or a command succeeded)
1   unexpected internal error (run with --debug and report it)
2   bad input: scenario file or command-line usage
3   the target cannot be met with the levers given (diagnosis printed)
4   the solver failed to return any plan
5   a plan was found but is not proven optimal (time or iteration limit)
==  ==========================================================================
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from functools import wraps
from pathlib import Path
from typing import Any

import click

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_SOLVER, EXIT_NOT_PROVEN = range(6)

_FILE = click.Path(exists=False, dir_okay=True, path_type=Path)


def _user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a carbonpath error into one clear message and its exit code (--debug: traceback).

    Ctrl-C is noted by a signal handler before Python raises KeyboardInterrupt: inside
    compiled code (numba, HiGHS) the interrupt can surface as another error, or HiGHS
    can swallow it and report a failed solve; the note still says "interrupted".
    SIGTERM (what ``timeout``, systemd, Kubernetes and CI send) takes the same path: it
    raises KeyboardInterrupt, so temporary folders, dask workers and semaphores are
    cleaned up on the way out, and the run ends with "terminated" and exit 143 (128 + 15).
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from planner.base.errors import CarbonpathError
        from planner.base.i18n_text import translate

        debug = kwargs.get("debug", False)
        lang = kwargs.get("lang") or "en"
        interrupted = 0  # the signal received, 0 for none

        def on_signal(signum: int, frame: Any) -> None:
            nonlocal interrupted
            if interrupted and signum == signal.SIGTERM:
                return  # already unwinding: let the clean-up finish (a 2nd Ctrl-C still stops)
            interrupted = interrupted or signum
            signal.default_int_handler(signum, frame)

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            return func(*args, **kwargs)
        except (KeyboardInterrupt, CarbonpathError, Exception) as exc:
            if interrupted == signal.SIGTERM:
                click.echo(translate("terminated (SIGTERM); nothing written", lang), err=True)
                sys.exit(128 + signal.SIGTERM)
            if interrupted or isinstance(exc, KeyboardInterrupt):
                click.echo(translate("interrupted; nothing written", lang), err=True)
                sys.exit(130)
            if isinstance(exc, click.exceptions.Exit | click.ClickException) or debug:
                raise
            if isinstance(exc, CarbonpathError):
                click.echo(_error_text(exc, lang), err=True)
                sys.exit(exc.exit_code)
            # the one place that hides a traceback from users
            click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                       "Run again with --debug and report the traceback.", err=True)
            sys.exit(EXIT_INTERNAL)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    return wrapper


@contextlib.contextmanager
def _reader_may_leave() -> Iterator[None]:
    """Printing to a pipe whose reader has left (``plan FILE --out DIR | head``): the rest of
    the terminal output goes to /dev/null and the run goes on, so the --out folder is still
    written and the exit code is the plan's, not an error."""
    try:
        yield
    except (BrokenPipeError, _ReaderLeftError):
        _stdout_to_devnull()


class _ReaderLeftError(Exception):
    """Raised by :class:`_Console` where rich would exit on a closed pipe."""


def _stdout_to_devnull() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # also for the flush at exit


def _console(**kwargs: Any) -> Any:
    """A rich Console that, on a closed pipe, stops printing instead of exiting (rich's
    default is SystemExit(1), which would skip writing the --out folder)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            _stdout_to_devnull()
            raise _ReaderLeftError

    return _Console(**kwargs)


def _error_text(exc: Any, lang: str) -> str:
    """``error: MESSAGE`` of a carbonpath error in ``lang``."""
    from planner.base.i18n import msg

    return msg("cli.error", text=exc.render(lang)).render(lang)


class _DefaultToRun(click.Group):
    """``plan FILE ...`` means ``plan run FILE ...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToRun, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="carbonpath")
def main() -> None:
    """carbonpath: least-cost roadmap for a factory to reach net zero.

    \b
    plan SCENARIO.toml [--out DIR]    solve and print the roadmap
    plan compare A.toml B.toml ...    solve several and compare them side by side
    plan validate SCENARIO.toml       check a scenario without solving
    plan init SCENARIO.toml           write a commented template
    plan sweep SCENARIO.toml --vary carbon.price=0.5:2.0 --samples 200
    plan group GROUP.toml [--out DIR]  plan a group's plants jointly
    """


_FORCE = click.option(
    "--force", is_flag=True,
    help="Write into a non-empty folder carbonpath did not write (or files it wrote that were "
         "changed since): replace only the files named like this command's outputs "
         "(docs/outputs.md); never delete anything.")
_DEBUG = click.option("--debug", is_flag=True, help="Show tracebacks.")
_QUIET = click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
_CSV_ENCODING = click.option(
    "--csv-encoding", type=click.Choice(["utf-8", "utf-8-sig"]), default=None,
    help="Encoding of the CSV files: utf-8-sig adds the byte-order mark Excel needs to show "
         "Chinese text [default: utf-8-sig with --lang zh, else utf-8].")


def _output_dir(out_dir: Path | None, names: frozenset[str] | tuple[str, ...],
                force: bool) -> Any:
    """The --out folder checked and locked before any solve (a no-op context without --out)."""
    if out_dir is None:
        return nullcontext(None)
    from planner.report.outdir import OutputDir

    return OutputDir(out_dir, names, force=force)
_STRICT = click.option("--strict", is_flag=True,
                       help="Treat implausible values (warnings) as errors (exit 2).")


def _warn(path: Path, warnings: Any, lang: str = "en") -> None:
    """Print plausibility warnings (problems or rendered strings) to stderr, before any plan
    (docs/errors.md), in ``lang``."""
    from planner.base.i18n import msg
    from planner.base.i18n_text import translate

    for p in warnings:
        # a string is a warning rendered in English by a worker (plan compare, sweep)
        text = translate(p, lang) if isinstance(p, str) else p.render(lang)
        click.echo(msg("cli.warning", path=path, text=text).render(lang), err=True)


def _lang_default() -> str:
    from planner.base.i18n import default_lang

    try:
        return default_lang()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="CARBONPATH_LANG") from None


def _lang_option(what: str) -> Callable[[Any], Any]:
    return click.option(
        "--lang", type=click.Choice(["en", "zh"]), default=_lang_default,
        show_default="CARBONPATH_LANG, else zh under a Chinese locale, else en",
        help=f"Language of {what}.")


_LANG = _lang_option("the terminal tables, messages, the workbook and the report")


_NODE_LIMIT = click.option(
    "--node-limit", type=click.IntRange(min=1), default=None,
    help="Override solver.node_limit: at most N branch-and-bound nodes per MILP solve, a "
         "deterministic limit (reproducible on any machine).")


@main.command("run")
@click.argument("scenario", type=_FILE)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write the results (CSV tables, summary.json, plan.xlsx, report.html) "
                   "to this folder: a new or empty one, or one carbonpath wrote before.")
@_FORCE
@_CSV_ENCODING
@_QUIET
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON only.")
@_LANG
@click.option("--week-year", type=int, default=None,
              help="Year of the report's typical week (default: the net-zero target year).")
@click.option("--standard", default=None, metavar="NAME|PATH",
              help="Assess against this standard instead of scenario.standard: "
                   "sbti-net-zero, iso-14068-1 (alias pas-2060), zero-carbon-factory, "
                   "near-zero-carbon-factory, or a profile .toml.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help="Override solver.time_limit_s [s]: a budget for the whole run (every "
                   "solve, the year-on-year rule's re-solves and any diagnosis).")
@_NODE_LIMIT
@click.option("--pdf", is_flag=True,
              help="Also write report.pdf (report.html printed to A4 by headless Chromium; "
                   "needs --out and a Chromium or Chrome browser).")
@_STRICT
@_DEBUG
@_user_errors
def run_cmd(scenario: Path, out_dir: Path | None, force: bool, csv_encoding: str | None,
            quiet: bool, as_json: bool, lang: str, week_year: int | None, standard: str | None,
            time_limit: float | None, node_limit: int | None, pdf: bool, strict: bool,
            debug: bool) -> None:
    """Solve SCENARIO and print the year-by-year roadmap."""
    from planner.base.i18n import label
    from planner.report.files import PLAN_FILES, summary_json, write_plan
    from planner.report.term_progress import plan_progress
    from planner.report.terminal import print_plan
    from planner.run.pipeline import plan_scenario

    chromium = None
    if pdf:  # checked before the solve, not after it
        if out_dir is None:
            raise click.UsageError("--pdf writes report.pdf into the --out folder: add "
                                   "--out DIR")
        from planner.report.pdf import find_chromium

        chromium = find_chromium()
    if week_year is not None:  # checked before the solve, not after it
        from planner.scenario.read import load_scenario

        s = load_scenario(scenario).scenario.scenario
        if not s.base_year <= week_year <= s.end_year:
            raise click.BadParameter(f"{week_year} is not a year of the horizon "
                                     f"{s.base_year}-{s.end_year}", param_hint="--week-year")
    console = _console(stderr=False, quiet=quiet or as_json)
    with _output_dir(out_dir, PLAN_FILES, force) as out:
        with plan_progress(console, lang, enabled=not (quiet or as_json)) as shown:
            plan = plan_scenario(
                scenario, time_limit_s=time_limit, node_limit=node_limit, standard=standard,
                strict=strict,
                on_warnings=None if quiet else lambda sf: _warn(scenario, sf.warnings, lang),
                stage=shown.stage, progress=shown.iteration)
        with _reader_may_leave():
            if as_json:
                click.echo(summary_json(plan), nl=False)
            else:
                print_plan(plan, console, lang)
        if out is not None:
            with plan_progress(console, lang, enabled=not (quiet or as_json)) as shown:
                shown.stage("writing")
                write_plan(plan, out, lang=lang, week_year=week_year,
                           csv_encoding=csv_encoding, pdf_with=chromium)
            if not (quiet or as_json):
                console.print(f"{label('term.written', lang)} {out_dir}")
    if not plan.summary["proven_optimal"]:
        sys.exit(EXIT_NOT_PROVEN)


@main.command("compare")
@click.argument("scenarios", type=_FILE, nargs=-1, required=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write compare.csv and compare.xlsx to this folder.")
@_FORCE
@_CSV_ENCODING
@_QUIET
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON only.")
@_LANG
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help="Override solver.time_limit_s of every scenario [s].")
@_NODE_LIMIT
@_STRICT
@_DEBUG
@_user_errors
def compare_cmd(scenarios: tuple[Path, ...], out_dir: Path | None, force: bool,
                csv_encoding: str | None, quiet: bool, as_json: bool, lang: str,
                time_limit: float | None, node_limit: int | None, strict: bool,
                debug: bool) -> None:
    """Solve several SCENARIOS (in parallel) and compare them side by side."""
    from planner.report.files import csv_encoding_for

    if len(scenarios) < 2:
        raise click.UsageError("give at least two scenarios to compare")
    for p in scenarios:
        if not p.is_file():
            raise click.BadParameter(f"{p}: file not found", param_hint="SCENARIOS")
    if strict:  # every file checked before any solve
        from planner.run.pipeline import prepare

        for p in scenarios:
            prepare(p, strict=True)
    with _output_dir(out_dir, ("compare.csv", "compare.xlsx"), force) as out:
        _compare(scenarios, out, out_dir, quiet, as_json, lang, time_limit,
                 csv_encoding_for(lang, csv_encoding), node_limit)


def _compare(scenarios: tuple[Path, ...], out: Any, out_dir: Path | None, quiet: bool,
             as_json: bool, lang: str, time_limit: float | None, encoding: str,
             node_limit: int | None = None) -> None:
    """The body of ``plan compare``, run while its --out folder is locked."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from planner.base.i18n import label, msg
    from planner.report.files import atomic_output_dir, compare_json, write_csv
    from planner.report.terminal import print_compare
    from planner.report.workbook import write_compare_workbook
    from planner.run.compare import compare_table, solve_many

    console = Console(quiet=quiet or as_json)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True, disable=quiet or as_json) as progress:
        def state_of(path: Path, state: str) -> str:
            return msg(f"compare.{state}", name=path.name).render(lang)

        tasks = {p: progress.add_task(state_of(p, "waiting"), total=1) for p in scenarios}

        def note(path: Path, state: str) -> None:
            task = tasks[path]
            if state == "done":
                progress.update(task, description=state_of(path, "done"), completed=1)
            else:
                progress.update(task, description=state_of(path, "solving"))

        plans = solve_many(list(scenarios), time_limit_s=time_limit, node_limit=node_limit,
                           progress=note)
    if not quiet:
        for p, plan in zip(scenarios, plans, strict=True):
            _warn(p, plan.summary.get("warnings", []), lang)
    table = compare_table(plans)
    if as_json:
        click.echo(compare_json(table), nl=False)
    else:
        print_compare(table, console, lang)
    if out is not None:
        def write(tmp: Path) -> None:
            write_csv(table, tmp / "compare.csv", encoding)
            write_compare_workbook(table, tmp / "compare.xlsx", lang)

        atomic_output_dir(out, write)
        if not (quiet or as_json):
            console.print(f"{label('term.written', lang)} {out_dir}")
    if not all(p.summary["proven_optimal"] for p in plans):
        sys.exit(EXIT_NOT_PROVEN)


@main.command("validate")
@click.argument("scenarios", type=_FILE, nargs=-1, required=True)
@_STRICT
@_lang_option("the summary line, the warnings and the errors")
@_DEBUG
@_user_errors
def validate_cmd(scenarios: tuple[Path, ...], strict: bool, lang: str, debug: bool) -> None:
    """Check scenario files (schema, consistency, profiles) without solving."""
    from planner.base.errors import CarbonpathError
    from planner.base.i18n import msg
    from planner.run.pipeline import prepare

    failed = 0
    for path in scenarios:
        try:
            sf, inp = prepare(path, strict=strict)
        except CarbonpathError as exc:
            if debug:
                raise
            click.echo(_error_text(exc, lang), err=True)
            failed += 1
            continue
        s = sf.scenario
        click.echo(msg("cli.validate_ok", path=path, name=s.scenario.name,
                       base_year=s.scenario.base_year, end_year=s.scenario.end_year,
                       n_measures=len(s.measure),
                       base_t=inp.target.base_emissions_t).render(lang))
        _warn(path, sf.warnings, lang)
    if failed:
        sys.exit(EXIT_INPUT)


@main.command("init")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@_lang_option("the template's comments and the message")
@_user_errors
def init_cmd(path: Path, force: bool, lang: str) -> None:
    """Write a commented scenario template to PATH (it validates as written)."""
    from planner.base.i18n import msg
    from planner.base.i18n_text import translate
    from planner.scenario.template import template_text

    if path.exists() and not force:
        raise click.BadParameter(translate(f"{path} exists; use --force to overwrite", lang),
                                 param_hint="PATH")
    path.write_text(template_text(lang), encoding="utf-8")
    click.echo(msg("cli.init_done", path=path).render(lang))


@main.command("sweep")
@click.argument("scenario", type=_FILE)
@click.option("--vary", "vary", multiple=True, metavar="KEY=LO:HI[:DIST][:abs]",
              help="Input to vary (repeatable), e.g. carbon.price=0.5:2.0 (factors, uniform), "
                   "pv.capex=0.7:1.2:triangular, fuels.coal.price=1:0.2:normal, "
                   "measure[heat_pump].capex_cny=4e6:8e6:abs. Default: the scenario's "
                   "[sweep] vary list. Syntax: docs/sweeps.md.")
@click.option("--samples", type=click.IntRange(min=1), default=None,
              help="Monte Carlo samples [default: [sweep] samples, else 100].")
@click.option("--grid", type=click.IntRange(min=1), default=None,
              help="Full-factorial grid of N levels per key instead of Monte Carlo.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Random seed [default: [sweep] seed, else 0].")
@click.option("--scheduler", default="local", show_default=True,
              metavar="local|synchronous|ADDRESS",
              help="local: a dask cluster of one process per core on this machine; "
                   "synchronous: everything in this process; ADDRESS: a running dask "
                   "scheduler, e.g. tcp://HOST:8786.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes of the local cluster [default: all cores].")
@click.option("--first-years", type=click.IntRange(min=1), default=None,
              help="Years counted as 'now' for what-to-do-now [default: 5].")
@click.option("--no-regret", is_flag=True, help="Skip the regret of the base plan.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write samples.csv, summary.csv, tornado.csv, measure_frequency.csv, "
                   "what_to_do_now.csv, sweep.json, sweep.xlsx and sweep.html here.")
@_FORCE
@click.option("--csv-encoding", type=click.Choice(["utf-8", "utf-8-sig"]), default="utf-8",
              show_default=True,
              help="Encoding of the CSV files: utf-8-sig adds the byte-order mark Excel needs.")
@_QUIET
@click.option("--json", "as_json", is_flag=True, help="Print sweep.json only.")
@_lang_option("the terminal tables, messages and sweep.xlsx")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help="Override solver.time_limit_s for each sample [s].")
@_NODE_LIMIT
@_STRICT
@_DEBUG
@_user_errors
def sweep_cmd(scenario: Path, vary: tuple[str, ...], samples: int | None, grid: int | None,
              seed: int | None, scheduler: str, workers: int | None, first_years: int | None,
              no_regret: bool, out_dir: Path | None, force: bool, csv_encoding: str,
              quiet: bool, as_json: bool, lang: str, time_limit: float | None,
              node_limit: int | None, strict: bool, debug: bool) -> None:
    """Solve SCENARIO under many input values: statistics, tornado, regret, what to do now."""
    from rich.console import Console

    from planner.base.i18n import label, msg
    from planner.base.i18n_text import translate
    from planner.report.sweep_files import SWEEP_FILES, sweep_json, sweep_tables, write_sweep
    from planner.report.sweep_terminal import print_sweep, sweep_progress
    from planner.run.pipeline import prepare
    from planner.sweep.runner import load_raw, options_from, run_sweep

    checked, _ = prepare(scenario, strict=strict)  # the base scenario, before any sample
    if not quiet:
        _warn(scenario, checked.warnings, lang)
    sf, _ = load_raw(scenario)
    texts, options = options_from(sf.scenario.sweep, vary=vary, samples=samples, grid=grid,
                                  seed=seed, scheduler=scheduler, workers=workers,
                                  first_years=first_years, regret=not no_regret,
                                  time_limit_s=time_limit, node_limit=node_limit)
    console = Console(quiet=quiet or as_json)
    with _output_dir(out_dir, SWEEP_FILES, force) as out:
        with sweep_progress(console, enabled=not (quiet or as_json), lang=lang) as (progress,
                                                                                 status):
            run = run_sweep(scenario, texts, options, progress=progress, status=status)
        tables = sweep_tables(run)
        if as_json:
            click.echo(sweep_json(run), nl=False)
        else:
            print_sweep(run, tables, console, lang)
        if out is not None:
            write_sweep(run, out, csv_encoding=csv_encoding, lang=lang)
            if not (quiet or as_json):
                console.print(f"{label('term.written', lang)} {out_dir}")
    if run.samples and run.failed == len(run.samples):
        kinds = {r["status"] for r in run.samples}
        text = (f"all {len(run.samples)} samples failed ({', '.join(sorted(kinds))}); "
                f"first reason: {run.samples[0]['reason']}")
        click.echo(msg("cli.error", text=translate(text, lang)).render(lang), err=True)
        sys.exit(EXIT_INPUT if kinds == {"invalid_input"} else EXIT_SOLVER)


@main.command("group")
@click.argument("group_file", type=_FILE)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write the group's files to DIR/group/ and each plant's usual outputs to "
                   "DIR/<plant>/ (docs/group.md).")
@_FORCE
@_CSV_ENCODING
@_QUIET
@_LANG
@click.option("--scheduler", default="local", show_default=True,
              metavar="local|synchronous|ADDRESS",
              help="Where the plants' hourly evaluations run: local (a dask cluster on this "
                   "machine; this process with --workers 1), synchronous (this process), or "
                   "the address of a running dask scheduler, e.g. tcp://HOST:8786.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes of the local cluster [default: all cores].")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help="Override the group file's solver.time_limit_s [s].")
@click.option("--no-alone", is_flag=True,
              help="Skip planning each plant alone (the value of planning jointly).")
@_DEBUG
@_user_errors
def group_cmd(group_file: Path, out_dir: Path | None, force: bool, csv_encoding: str | None,
              quiet: bool, lang: str, scheduler: str, workers: int | None,
              time_limit: float | None, no_alone: bool, debug: bool) -> None:
    """Plan a group's plants jointly: one target, one capex budget, shared pools."""
    from contextlib import ExitStack

    from rich.console import Console

    from planner.base.i18n import label
    from planner.group.solve import solve_group_file
    from planner.group.spec import load_group
    from planner.report.group_files import group_output_dirs, print_group, write_group

    group = load_group(group_file)
    console = Console(quiet=quiet)
    with ExitStack() as stack:
        dirs = []
        if out_dir is not None:
            dirs = [stack.enter_context(d) for d in
                    group_output_dirs(out_dir, [p.name for p in group.plants], force)]
        run = solve_group_file(group, scheduler=scheduler, workers=workers,
                               time_limit_s=time_limit, alone=not no_alone,
                               stage=None if quiet else lambda s: console.print(f"[dim]{s}[/]"))
        print_group(run, console, lang)
        if dirs:
            write_group(run, dirs, lang=lang, csv_encoding=csv_encoding)
            console.print(f"{label('term.written', lang)} {out_dir}")
    if not run.proven_optimal:
        sys.exit(EXIT_NOT_PROVEN)


def _default_cases() -> list[Path]:
    here = Path.cwd()
    cases = [here / "benchmarks" / "reference.toml", *sorted((here / "scenarios").glob("*.toml")),
             here / "benchmarks" / "scaled60.toml"]
    return [c for c in cases if c.is_file()]


@main.command("bench")
@click.option("--case", "cases", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Scenario to time (repeatable). Default: the reference, the examples and "
                   "the 60-measure case, found from the current folder.")
@click.option("--grid", "grid", multiple=True, metavar="KEY=V1,V2",
              help="[solver] values to try (repeatable; full factorial). Default: one factor "
                   "at a time around the defaults.")
@click.option("--repeats", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--quick", is_flag=True, help="Smoke run: default settings only, 1 repeat.")
@click.option("--end-to-end", "e2e", is_flag=True,
              help="Also time `plan CASE` as a separate process (Python start included).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("carbonpath-bench"), show_default=True,
              help="Folder for bench.csv, in the current folder by default: a run's figures "
                   "belong to its machine, never to the installed package or the repository's "
                   "tracked benchmarks/results (docs/outputs.md).")
@_FORCE
@_DEBUG
@_user_errors
def bench_cmd(cases: tuple[Path, ...], grid: tuple[str, ...], repeats: int, quick: bool,
              e2e: bool, out_dir: Path, force: bool, debug: bool) -> None:
    """Time scenarios under a grid of HiGHS settings; print a table per case, write CSV."""
    from rich.console import Console

    from planner.report.tables import bench_tables
    from planner.report.term_fit import print_fitted
    from planner.run.bench import end_to_end, parse_grid, run_grid

    paths = list(cases) or _default_cases()
    if not paths:
        raise click.UsageError("no cases: give --case FILE or run from the repository folder")
    settings = [{}] if quick else parse_grid(grid)
    console = Console()
    with _output_dir(out_dir, ("bench.csv",), force) as out:
        with console.status("benchmarking…") as status:
            table = run_grid(paths, settings, 1 if quick else repeats,
                             progress=lambda msg: status.update(f"benchmarking {msg}"))
        for t in bench_tables(table):
            print_fitted(console, t)
        out.write(lambda tmp: table.to_csv(tmp / "bench.csv", index=False, float_format="%.10g",
                                           lineterminator="\n"))
    console.print(f"written {out_dir / 'bench.csv'}")
    if e2e:
        for p in paths:
            r = end_to_end(p, repeats=repeats)
            console.print(f"end to end {p.name}: median {r['wall_s_median']:.2f} s "
                          f"(min {r['wall_s_min']:.2f}, max {r['wall_s_max']:.2f}), "
                          f"peak {r['peak_mb']:.0f} MB")


@main.command("tune")
@click.argument("scenarios", type=_FILE, nargs=-1, required=True)
@click.option("--gap", "max_gap", type=click.FloatRange(min=0), default=1e-4, show_default=True,
              help="Largest optimality gap acceptable on every scenario.")
@click.option("--grid", "grid", multiple=True, metavar="KEY=V1,V2",
              help="[solver] values to try (repeatable; full factorial).")
@click.option("--repeats", type=click.IntRange(min=1), default=3, show_default=True)
@_DEBUG
@_user_errors
def tune_cmd(scenarios: tuple[Path, ...], max_gap: float, grid: tuple[str, ...], repeats: int,
             debug: bool) -> None:
    """Find the fastest [solver] settings that reach --gap on every SCENARIO."""
    from rich.console import Console

    from planner.report.tables import ranking_table
    from planner.report.term_fit import print_fitted
    from planner.run.bench import parse_grid, run_grid, solver_block, tune

    for p in scenarios:
        if not p.is_file():
            raise click.BadParameter(f"{p}: file not found", param_hint="SCENARIOS")
    console = Console(stderr=True)
    with console.status("tuning…") as status:
        table = run_grid(list(scenarios), parse_grid(grid), repeats,
                         progress=lambda msg: status.update(f"tuning {msg}"))
    best, ranking = tune(table, max_gap)
    print_fitted(console, ranking_table(ranking, best))
    click.echo(f"# fastest settings reaching a gap of {max_gap:g} on {len(scenarios)} scenario(s)")
    click.echo(solver_block(best), nl=False)


if __name__ == "__main__":
    main()
