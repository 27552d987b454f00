"""Plots of the figures ``bench/sweep.py`` writes (a JSON file) as one PNG.

Left: tickets read per second against the number of tickets in the store, one line per
scenario at its largest batch. Middle: tickets read per second against the batch size,
one line per scenario and store size. Right: the server's CPU per ticket read against
the batch size (CPU time is less disturbed than throughput when other work shares the
machine). Needs matplotlib (the optional ``bench`` extra).

    .venv/bin/python bench/plot.py sweep.json sweep.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt


def render(figures: Path, png: Path) -> None:
    data = json.loads(figures.read_text())
    points = data["points"]
    machine = data["machine"]
    figure, (by_size, by_batch, cpu) = plt.subplots(1, 3, figsize=(16, 4.8))
    for scenario in sorted({p["scenario"] for p in points}):
        mine = [p for p in points if p["scenario"] == scenario]
        largest = max(p["batch"] for p in mine)
        line = sorted((p["tickets"], p["tickets_per_s"]) for p in mine if p["batch"] == largest)
        by_size.plot(*zip(*line, strict=True), marker="o", label=f"{scenario}, {largest} ids")
        for tickets in sorted({p["tickets"] for p in mine}):
            line = sorted((p["batch"], p["tickets_per_s"]) for p in mine if p["tickets"] == tickets)
            label = f"{scenario}, {tickets:,} tickets"
            by_batch.plot(*zip(*line, strict=True), marker="o", label=label)
            line = sorted(
                (p["batch"], p["server_cpu_us_per_req"] / p["batch"])
                for p in mine
                if p["tickets"] == tickets
            )
            cpu.plot(*zip(*line, strict=True), marker="o", label=label)
    by_size.set_xscale("log")
    by_size.set_xlabel("tickets in the store")
    by_size.set_title("by store size")
    by_batch.set_xscale("log")
    by_batch.set_xlabel("ids per request")
    by_batch.set_title("by batch size")
    cpu.set_xscale("log")
    cpu.set_yscale("log")
    cpu.set_xlabel("ids per request")
    cpu.set_ylabel("server CPU µs per ticket read")
    cpu.set_title("server CPU per ticket")
    for axes in (by_size, by_batch):
        axes.set_ylabel("tickets read per second")
    for axes in (by_size, by_batch, cpu):
        axes.set_ylim(bottom=0 if axes is not cpu else None)
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize=8)
    workers = sorted({p["workers"] for p in points})
    backends = sorted({p["backend"] for p in points})
    figure.suptitle(
        f"POST .../tickets/batch/read, {'/'.join(backends)}, {workers[0]} worker(s): "
        f"{machine['cpu']}, {machine['date']}, Spoke {machine['spoke']}",
        fontsize=9,
    )
    figure.tight_layout()
    figure.savefig(png, dpi=110)
    plt.close(figure)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plot.py FIGURES.json OUT.png")
    render(Path(sys.argv[1]), Path(sys.argv[2]))
