"""The PyInstaller bundle: start-up and size against a bare PySide6 hello-window bundle.

Builds both bundles the same way (onedir, upx off, the same Qt exclusions and trimming from
build_spec/trim.py), then times process start to window shown, offscreen, for
  - the frozen PACER Desktop with a 30-day patient reopened,
  - the same from source (.venv/bin/pacer-desktop),
  - the bare hello-window bundle,
  - a static copy of the window (benchmarks/static_window.py: the same widgets with fixed text, and
    no engine, database or patient), frozen the same way: the floor for any program that shows
    these widgets, which tells what Qt costs and what our code costs,
interleaved in one run. Goal (issue 16): start <= 2.5× the bare bundle's (issue 6 asked 1.3×; its size goal, 1.3×, stands).
Writes benchmarks/RESULTS-bundle.md.

    .venv/bin/python benchmarks/bundle.py [--runs 11] [--app-dist DIR] [--keep]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYINSTALLER = Path(sys.executable).with_name("pyinstaller")

BARE_SPEC = """
import sys
sys.path.insert(0, {build_spec!r})
from trim import trim
a = Analysis([{script!r}], excludes={excludes!r})
pyz = PYZ(a.pure)
exe = EXE(pyz, a.scripts, [], exclude_binaries=True, name={name!r}, console=False,
          debug=False, strip=False, upx=False)
coll = COLLECT(exe, trim(a.binaries), a.datas, strip=False, upx=False, name={name!r})
"""


def app_excludes() -> list[str]:
    """The excludes of build_spec/pacer_desktop.spec, read from the spec itself."""
    namespace: dict = {}
    source = (ROOT / "build_spec" / "pacer_desktop.spec").read_text()
    start, end = source.index("UNUSED_QT = ["), source.index("a = Analysis(")
    exec(source[start:end], namespace)  # noqa: S102 - our own spec's list literals
    return namespace["excludes"]


def build(spec: Path, dist: Path, work: Path) -> None:
    subprocess.run([str(PYINSTALLER), "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work), str(spec)], check=True)


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def sample(cmd: list[str], env: dict) -> tuple[float, float]:
    """Seconds from start to the window shown (the ``at:`` line the process prints), and to exit.
    The wait blocks until the exit: ``subprocess.run(timeout=...)`` polls with sleeps of up to
    50 ms, which rounded every sample up to a 50 ms step."""
    start, clock = time.perf_counter(), time.time()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    watchdog = threading.Timer(60, proc.kill)
    watchdog.start()
    try:
        out, _ = proc.communicate()
    finally:
        watchdog.cancel()
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    shown_at = next(float(line.split()[1]) for line in out.splitlines() if line.startswith("at: "))
    return shown_at - clock, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--app-dist", type=Path, help="an already built dist/pacer-desktop folder")
    parser.add_argument("--keep", type=Path, help="keep the bundles in this folder")
    args = parser.parse_args()

    spec = importlib.util.spec_from_file_location("startup", ROOT / "benchmarks" / "startup.py")
    startup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(startup)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = args.keep or tmp / "dist"
        app_dir = args.app_dist
        if app_dir is None:
            build(ROOT / "build_spec" / "pacer_desktop.spec", out, tmp / "work-app")
            app_dir = out / "pacer-desktop"
        for name in ("bare-window", "static-window"):  # built as the app is: same excludes and trimming
            spec_file = tmp / f"{name}.spec"
            spec_file.write_text(BARE_SPEC.format(build_spec=str(ROOT / "build_spec"), name=name,
                                                  script=str(ROOT / "benchmarks" / f"{name.replace('-', '_')}.py"),
                                                  excludes=app_excludes()))
            build(spec_file, out, tmp / f"work-{name}")
        bare_dir, static_dir = out / "bare-window", out / "static-window"

        db, settings = tmp / "bench.sqlite3", tmp / "settings"
        entries = startup.build_patient(db, settings)
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "PACER_DB": str(db), "PACER_SETTINGS_DIR": str(settings), "PACER_EXIT_AFTER_SHOWN": "1"}
        # From source with compiled modules, as benchmarks/startup.py: the warm-up run writes the
        # bytecode cache even where PYTHONDONTWRITEBYTECODE is set (bundles carry theirs compiled).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        commands = {
            "frozen": [str(app_dir / "pacer-desktop")],
            "source": [str(Path(sys.executable).with_name("pacer-desktop"))],
            "bare": [str(bare_dir / "bare-window")],
            "static": [str(static_dir / "static-window")],
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for name, cmd in commands.items():  # warm the file cache; check the patient is on screen when timed
            out = subprocess.run(cmd, check=True, env=env, capture_output=True, text=True, timeout=60).stdout
            if name in ("frozen", "source") and not ("Thirty Days" in out and "Anakinra" in out):
                raise SystemExit(f"{name}: the reopened patient was not on screen when shown: {out!r}")
        for _ in range(args.runs):  # interleaved, so all three see the same machine state
            for name, cmd in commands.items():
                times[name].append(sample(cmd, env))
        sizes = {"frozen": size_mb(app_dir), "bare": size_mb(bare_dir), "static": size_mb(static_dir)}
        if args.keep is None:
            shutil.rmtree(out, ignore_errors=True)

    shown = {name: [x for x, _ in values] for name, values in times.items()}
    exits = {name: [y for _, y in values] for name, values in times.items()}
    med = {name: statistics.median(values) for name, values in shown.items()}
    med_exit = {name: statistics.median(values) for name, values in exits.items()}
    start_ratio, size_ratio = med["frozen"] / med["bare"], sizes["frozen"] / sizes["bare"]

    def row(label: str, name: str, size: str = "") -> str:
        return (f"| {label} | {med[name]:.3f} s | {min(shown[name]):.3f} s | {max(shown[name]):.3f} s |"
                f" {med_exit[name]:.3f} s | {size} |")

    def ratio(label: str, top: str, under: str, size: str) -> str:
        return (f"| {label} | {med[top] / med[under]:.2f}× | {min(shown[top]) / min(shown[under]):.2f}× | |"
                f" {med_exit[top] / med_exit[under]:.2f}× |{size}")
    text = "\n".join([
        "# Bundle: start-up and size against a bare PySide6 bundle", "",
        f"`.venv/bin/python benchmarks/bundle.py --runs {args.runs}`, {datetime.now(UTC):%Y-%m-%d},"
        f" Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs,"
        f" QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}; process start to window shown (the process's own"
        f" report, with the patient's header checked), and to exit; a 30-day patient ({entries} entries)"
        " reopened.", "",
        "| what | to shown, median | min | max | to exit, median | size |", "|---|---|---|---|---|---|",
        row("PACER Desktop, frozen (onedir)", "frozen", f"{sizes['frozen']:.0f} MB"),
        row("PACER Desktop, from source", "source"),
        row("bare PySide6 hello window, frozen the same way", "bare", f"{sizes['bare']:.0f} MB"),
        row("static copy of the window (its widgets, no data or code of ours), frozen the same way", "static",
            f"{sizes['static']:.0f} MB"),
        ratio("frozen / bare (goal: start <= 2.5×, size <= 1.3×)", "frozen", "bare", f" {size_ratio:.2f}× |"),
        ratio("static copy / bare: the widgets' own share of that goal", "static", "bare",
              f" {sizes['static'] / sizes['bare']:.2f}× |"),
        ratio("frozen / static copy: what our code adds to the same widgets", "frozen", "static", " |"), "",
        "Ratios: of the medians, and in the min column of the fastest runs (steadier on a noisy machine)."
        " The goal is judged on the medians.", ""])
    (ROOT / "benchmarks" / "RESULTS-bundle.md").write_text(text)
    print(text)
    return 0 if start_ratio <= 1.3 and size_ratio <= 1.3 else 1


if __name__ == "__main__":
    sys.exit(main())
