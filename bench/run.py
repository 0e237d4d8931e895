"""Every benchmark in one go (``make bench``): generate the company, then the figures.

    .venv/bin/python bench/run.py [--teams 50 --reps 10 --years 3] [--scale 1] [--quick]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pac_bench .venv/bin/python bench/run.py

Without ``DATABASE_URL``: SQLite in a fresh temporary folder (``PAC_VAR_DIR`` to choose it).
``--scale`` shrinks the big tables of the generator and of the reminder benchmark (0.1: a
tenth); ``--quick`` is ``--scale 0.1`` with shorter load runs. Each script's details go to
stderr; at the end, one line per figure: ``<name>: <ratio>x (goal <= <n>x)`` or ``(goal >= ...)``.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
FIGURE = re.compile(
    r"^[\w -]+: (?:[\d.]+x \(goal [<>]= [\d.]+x\)|\d+ ms \(goal < \d+ ms\)|skipped|not measured).*$"
)


def run(name: str, argv: list[str], env: dict) -> list[str]:
    print(f"--- {name}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, str(BENCH / argv[0]), *argv[1:]], env=env, stdout=subprocess.PIPE, text=True
    )
    for line in done.stdout.splitlines():
        print(f"  {line}", file=sys.stderr)
    print(f"    ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    lines = [x for x in done.stdout.splitlines() if FIGURE.match(x)]
    if done.returncode and not lines:
        lines = [f"{name}: not measured (exit code {done.returncode})"]
    return lines


def reminders_line(env: dict, actions: int, repeat: int) -> list[str]:
    """bench/reminders.py, its ratio put in the common form."""
    print("--- reminders", file=sys.stderr, flush=True)
    started = time.perf_counter()
    done = subprocess.run(
        [
            PYTHON,
            str(BENCH / "reminders.py"),
            "--actions",
            str(actions),
            "--overdue",
            str(max(100, actions // 100)),
            "--repeat",
            str(repeat),
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in done.stdout.splitlines():
        print(f"  {line}", file=sys.stderr)
    print(f"    ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    own = [
        x
        for x in done.stdout.splitlines()
        if x.startswith(("reminders first: ", "reminders next: "))
    ]
    if len(own) == 2:
        return own
    return [f"reminders: not measured (exit code {done.returncode})"]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--teams", type=int, default=50)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--scale", type=float)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--duration", type=int, help="seconds of each load run (default 10, quick 5)")
    args = p.parse_args()
    scale = args.scale if args.scale is not None else (0.1 if args.quick else 1.0)
    duration = args.duration or (5 if args.quick else 10)
    env = {**os.environ}
    if not env.get("DATABASE_URL") and not env.get("PAC_VAR_DIR"):
        env["PAC_VAR_DIR"] = tempfile.mkdtemp(prefix="pac-bench-")
    where = env.get("DATABASE_URL", "").split("@")[-1] or f"SQLite in {env['PAC_VAR_DIR']}"
    print(f"database: {where}", file=sys.stderr)
    started = time.perf_counter()
    size = args.teams * args.reps * args.years / 1500
    lines = []
    run(
        "generate",
        [
            "generate.py",
            "--teams",
            str(args.teams),
            "--reps",
            str(args.reps),
            "--years",
            str(args.years),
            "--scale",
            str(scale),
        ],
        env,
    )
    lines += run("pages", ["pages.py", "--duration", str(duration)], env)
    lines += reminders_line(env, int(1_000_000 * size * scale), 3)
    lines += run("dashboard", ["dashboard.py"], env)
    lines += run("insight", ["insight.py"], env)
    lines += run("imports", ["imports.py", "--repeat", "2" if args.quick else "3"], env)
    lines += run("crm", ["crm.py", "--repeat", "2" if args.quick else "3"], env)
    print(f"(all in {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    for line in lines:
        print(line)
    # A figure that could not be measured fails the run: it is never a silent pass.
    return 1 if any("not measured" in line or "skipped" in line for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
