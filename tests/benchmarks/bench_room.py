"""How many learners one machine holds: a room on the real JupyterHub, measured the way hubtraf does.

    python tests/benchmarks/bench_room.py --learners 5 10 20 30

Starts `python -m helpers room`'s hub (as many seats as the largest room) in a temporary folder,
then runs one learner alone, then each room size in turn. Every simulated learner
(tests/hub/room_learner.py) signs in through the login form, gets a token from the hub, starts
their server and runs notebooks 01 → 04 through kernels of their own server, one kernel per
notebook kept open until the whole room has finished (as when learners move on to the next
notebook without shutting the last one down; --close-kernels shuts each down first). All of a
room's learners start at once: the worst minute of a workshop.

Prints a markdown table to stdout (paste it into the README), progress to stderr:
  - all servers up: from the first sign-in to the last learner's server answering;
  - each notebook: the median over the room's learners, and how many times one learner alone;
  - slowest learner: 01 → 04 for the learner who finished last;
  - memory per learner: the peak of their server and kernels (RSS summed, as a container limit
    counts it), the highest and the median over learners;
  - the room's processes: the peak of the hub, proxy, servers and kernels together (RSS summed);
  - machine: the peak memory in use, above what was in use before the hub started (anything
    else running on the machine counts too: measure on a quiet machine);
  - failures: every step that failed (there must be none).
If free memory falls under --min-free-gib the room is stopped and the table says so.
Not a test: nothing here asserts a time. Needs what the hub test needs (the `test` extra and npm).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "hub"))
from room_learner import Learner  # noqa: E402

from helpers import room as hub_room  # noqa: E402

MIB = 1024**2
GIB = 1024**3


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class LearnerResult:
    name: str
    server_up: float = math.nan  # seconds from the room's start
    notebooks: dict[str, float] = field(default_factory=dict)
    finished: float = math.nan  # seconds from the room's start to their last notebook's end
    failed_step: str | None = None  # login, start-server, a notebook's name, stop-server
    failure: str | None = None  # what went wrong


@dataclass
class RoomResult:
    learners: int
    results: list[LearnerResult]
    peak_per_learner: dict[str, int]  # bytes
    room_peak: int  # bytes: the hub, the proxy, every server and kernel (RSS summed)
    machine_peak: int  # bytes above what was in use before the hub started
    stopped: str | None = None  # why the room was stopped early

    @property
    def failures(self) -> list[str]:
        found = [f"{r.name} {r.failed_step}: {r.failure}" for r in self.results if r.failed_step]
        return found + ([self.stopped] if self.stopped else [])


class Sampler(threading.Thread):
    """Once a second: each learner's server and kernels (RSS), and the machine's memory in use."""

    def __init__(self, room: hub_room.Room, before: int, min_free: int) -> None:
        super().__init__(daemon=True)
        self.room, self.before, self.min_free = room, before, min_free
        self.peaks: dict[str, int] = {}
        self.room_peak = 0
        self.machine_peak = 0
        self.low_memory: str | None = None
        self.done = threading.Event()
        self.owners: dict[int, str] = {}

    def _owner(self, process: psutil.Process) -> str | None:
        if process.pid not in self.owners:
            self.owners[process.pid] = process.environ().get("JUPYTERHUB_USER", "")
        return self.owners[process.pid] or None

    def sample(self) -> None:
        try:
            hub = psutil.Process(self.room.process.pid)
            room = hub.memory_info().rss
        except psutil.NoSuchProcess:  # the hub was stopped (low memory)
            return
        for server in hub.children():
            try:
                seat = self._owner(server)
                if seat is None:  # the proxy
                    room += server.memory_info().rss
                    continue
                rss = server.memory_info().rss + sum(
                    kid.memory_info().rss for kid in server.children(recursive=True)
                )
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            self.peaks[seat] = max(self.peaks.get(seat, 0), rss)
            room += rss
        self.room_peak = max(self.room_peak, room)
        memory = psutil.virtual_memory()
        self.machine_peak = max(self.machine_peak, memory.used - self.before)
        if memory.available < self.min_free and self.low_memory is None:
            self.low_memory = (
                f"stopped: {memory.available / GIB:.1f} GiB free, under {self.min_free / GIB:.1f} GiB"
            )
            progress(f"{self.low_memory}: stopping the hub")
            self.room.stop()

    def run(self) -> None:
        while not self.done.wait(1.0):
            self.sample()


def one_learner(
    room: hub_room.Room, name: str, notebooks: list[str], start: float, args: argparse.Namespace, label: str
):
    """Sign in, start the server, run the notebooks in order; the kernels left open are returned."""
    result, kernels, step = LearnerResult(name), [], "login"
    learner = Learner(room.url, name, room.password)
    timeout, close_kernels = args.timeout, args.close_kernels
    try:
        learner.login(timeout=timeout)
        step = "start-server"
        learner.start_server(timeout=timeout)
        result.server_up = time.monotonic() - start
        progress(f"{label} {name}: server up after {result.server_up:.1f} s")
        for path in notebooks:
            step = Path(path).stem
            run, kernel = learner.run_notebook(path, timeout=timeout)
            result.notebooks[step] = run.seconds
            if close_kernels:
                kernel.close()
            else:
                kernels.append(kernel)
            if run.error:
                result.failed_step, result.failure = step, run.error
                break
            progress(f"{label} {name}: {step} in {run.seconds:.1f} s")
        result.finished = time.monotonic() - start
    except Exception as problem:  # a failed step is a result to report, not a crash of the benchmark
        result.failed_step, result.failure = step, f"{type(problem).__name__}: {problem}"
    if result.failed_step:
        progress(f"{label} {name}: FAILED at {result.failed_step}: {result.failure}")
    return learner, result, kernels


def run_room(
    room: hub_room.Room, learners: int, notebooks: list[str], args: argparse.Namespace
) -> RoomResult:
    label = "alone" if learners == 1 else f"room of {learners}"
    progress(f"{label}: {learners} learner(s) sign in at once")
    sampler = Sampler(room, args.before, int(args.min_free_gib * GIB))
    sampler.start()
    start = time.monotonic()
    with ThreadPoolExecutor(learners) as pool:
        runs = list(
            pool.map(
                lambda name: one_learner(room, name, notebooks, start, args, label),
                room.seats[:learners],
            )
        )
    sampler.sample()
    sampler.done.set()
    if sampler.low_memory is None:  # close the kernels and stop the servers before the next room
        for learner, result, kernels in runs:
            try:
                for kernel in kernels:
                    kernel.close()
                learner.stop_server(timeout=args.timeout)
            except Exception as problem:
                if result.failed_step is None:
                    result.failed_step, result.failure = "stop-server", f"{type(problem).__name__}: {problem}"
    return RoomResult(
        learners,
        [result for _, result, _ in runs],
        sampler.peaks,
        sampler.room_peak,
        sampler.machine_peak,
        sampler.low_memory,
    )


def _seconds(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1f} s"


def table(rooms: list[RoomResult], notebooks: list[str]) -> list[str]:
    alone = rooms[0]
    steps = [Path(path).stem for path in notebooks]
    lines = [
        "| learners | all servers up | "
        + " | ".join(step.split("_")[0] for step in steps)
        + " | slowest learner, all | memory per learner, peak (highest / median)"
        + " | the room's processes, peak | machine, peak | failures |",
        "|---" * (len(steps) + 7) + "|",
    ]
    baseline = {step: alone.results[0].notebooks.get(step, math.nan) for step in steps}
    for result in rooms:
        up = max((r.server_up for r in result.results), default=math.nan)
        cells = []
        for step in steps:
            times = [r.notebooks[step] for r in result.results if step in r.notebooks]
            median = statistics.median(times) if times else math.nan
            ratio = "" if result is alone or math.isnan(median) else f" ({median / baseline[step]:.1f}×)"
            cells.append(_seconds(median) + ratio)
        slowest = max((r.finished for r in result.results), default=math.nan)
        peaks = sorted(result.peak_per_learner.values())
        memory = f"{peaks[-1] / MIB:.0f} / {statistics.median(peaks) / MIB:.0f} MiB" if peaks else "–"
        who = "1 (alone)" if result is alone else str(result.learners)
        failures = len(result.failures)
        lines.append(
            f"| {who} | {_seconds(up)} | "
            + " | ".join(cells)
            + f" | {_seconds(slowest)} | {memory} | {result.room_peak / GIB:.1f} GiB"
            + f" | {result.machine_peak / GIB:.1f} GiB | {failures} |"
        )
    return lines


def sizing(rooms: list[RoomResult], reserve_gib: float) -> list[str]:
    """What the figures imply, computed, for the instructor to judge."""
    peaks = [peak for result in rooms for peak in result.peak_per_learner.values()]
    if not peaks:
        return []
    highest, median = max(peaks), statistics.median(peaks)
    total = psutil.virtual_memory().total
    limit = math.ceil(highest * 1.25 / (64 * MIB)) * 64  # MiB, rounded up to 64
    guarantee = math.ceil(median / (64 * MIB)) * 64
    by_memory = int((total - reserve_gib * GIB) // highest)
    return [
        f"Per learner: memory guarantee {guarantee} MiB (the median peak), limit {limit} MiB "
        "(the highest peak + 25%).",
        f"Memory alone: about {by_memory} learners fit in {total / GIB:.0f} GiB "
        f"(at the highest peak each, {reserve_gib:g} GiB kept for the system and the hub); "
        "the notebook times above say how far the CPUs stretch.",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--learners", type=int, nargs="+", default=[5, 10, 20, 30], help="room sizes, in order"
    )
    parser.add_argument(
        "--notebooks", nargs="+", default=["01", "02", "03", "04"], help="notebook numbers, run in this order"
    )
    parser.add_argument(
        "--close-kernels", action="store_true", help="shut each notebook's kernel down before the next one"
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds any one step may take")
    parser.add_argument(
        "--min-free-gib", type=float, default=1.5, help="stop a room if free memory falls under"
    )
    parser.add_argument(
        "--reserve-gib", type=float, default=2.0, help="memory kept for the system, in the sizing"
    )
    args = parser.parse_args()
    notebooks = [
        str(path.relative_to(ROOT))
        for number in args.notebooks
        for path in sorted(ROOT.glob(f"notebooks/{number}_*.ipynb"))
    ]
    cores, load = os.cpu_count(), ", ".join(f"{value:.2f}" for value in os.getloadavg())
    progress(f"{cores} cores, {psutil.virtual_memory().total / GIB:.1f} GiB, load average {load}")
    if os.getloadavg()[0] > 0.5:
        progress("the machine is busy: the figures will be slower than on a quiet machine")

    args.before = psutil.virtual_memory().used
    with tempfile.TemporaryDirectory(prefix="bench-room-") as state:
        room = hub_room.start(max(args.learners), state=Path(state), port=0)
        progress(f"JupyterHub {metadata.version('jupyterhub')} at {room.url} (log: {room.log})")
        rooms = []
        try:
            for learners in [1, *args.learners]:
                rooms.append(run_room(room, learners, notebooks, args))
                if rooms[-1].stopped:
                    break
        finally:
            room.stop()

    print("\n".join(table(rooms, notebooks)))
    print()
    print(
        f"Measured on {cores} cores and {psutil.virtual_memory().total / GIB:.0f} GiB "
        f"(load average before: {load}), "
        f"JupyterHub {metadata.version('jupyterhub')}, notebooks {', '.join(args.notebooks)}; "
        "every learner of a room signs in at once and "
        + (
            "shuts each notebook's kernel down before the next."
            if args.close_kernels
            else "keeps one kernel per notebook open."
        )
    )
    for line in sizing(rooms, args.reserve_gib):
        print(line)
    every = [failure for result in rooms for failure in result.failures]
    steps = Counter(r.failed_step for result in rooms for r in result.results if r.failed_step)
    print(f"Failures: {len(every)}" + "".join(f"\n  {failure}" for failure in every))
    print(f"First failed step per learner: {dict(steps) if steps else 'none'}")
    return 1 if every else 0


if __name__ == "__main__":
    sys.exit(main())
