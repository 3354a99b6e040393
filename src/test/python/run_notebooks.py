"""Runs the notebooks in notebooks/ headless on the rlhf4j kernel (nbclient), as a learner would.

For every notebook: no cell may fail, it must show at least one chart (image/png; 04-ppo at least
two), and no output may name a path of this machine. It prints the wall time per notebook and the
kernel's peak resident memory (VmHWM of the kernel process).

    # the project's test (quick mode), via JupyterKernelTest:
    RLHF4J_QUICK=1 /usr/bin/python3 src/test/python/run_notebooks.py
    # refresh the committed outputs with a full run (kernel installed: ./rlhf4j kernel install):
    /usr/bin/python3 src/test/python/run_notebooks.py --write
    # one notebook
    /usr/bin/python3 src/test/python/run_notebooks.py notebooks/04-ppo.ipynb

The kernel is found by name (RLHF4J_KERNEL_NAME, default "rlhf4j") on Jupyter's path.
"""
import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parents[3]
NOTEBOOKS = REPO / "notebooks"
KERNEL_NAME = os.environ.get("RLHF4J_KERNEL_NAME", "rlhf4j")
MIN_IMAGES = {"04-ppo": 2, "06-workshop": 4, "07-beyond-ppo": 5, "08-limits": 6}
# No absolute path (of whatever machine ran the notebook) may reach a committed notebook: a
# "/dir/..." that starts a word, or a Windows drive. Relative paths (runs/04-ppo) and ratios
# (tokens/s, 64/10000) do not match.
MACHINE_PATH = re.compile(r"(?:^|[\s\"'(=:,\[`])(/[\w.-]+/[\w./-]*|[A-Za-z]:\\\\?[\w.-])")


def peak_rss_mb(pid):
    """The process's peak resident set (VmHWM) in MiB, or None where /proc is not there."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def outputs(nb):
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            yield cell, out


def text_of(out):
    parts = [out.get("text", ""), out.get("evalue", "")]
    parts += out.get("traceback", [])
    for mime, value in out.get("data", {}).items():
        if not mime.startswith("image/"):
            parts.append(value if isinstance(value, str) else json.dumps(value))
    return "\n".join(p for p in parts if p)


def check(name, nb):
    """The problems with an executed notebook, as sentences (empty when it is fine)."""
    problems = []
    images = sum(1 for _, out in outputs(nb) if "image/png" in out.get("data", {}))
    need = MIN_IMAGES.get(name, 1)
    if images < need:
        problems.append(f"{name}: {images} image/png outputs, expected at least {need}")
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"{name}: cell {i} failed: {out.get('ename')}: {out.get('evalue')}")
            m = MACHINE_PATH.search(text_of(out))
            if m:
                problems.append(f"{name}: cell {i} shows an absolute path: {m.group(1)[:160]}")
    return problems


def scrub(nb):
    """What a committed notebook keeps: outputs and the kernelspec, no timings or widget state."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata.pop("execution", None)
            cell.metadata.pop("collapsed", None)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Java (rlhf4j)", "language": "java"}


def run(path, timeout, write):
    nb = nbformat.read(path, as_version=4)
    name = path.stem
    peak = [None]
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=timeout, record_timing=False,
                            allow_errors=False, resources={"metadata": {"path": str(path.parent)}})

    def sample(**_):
        pid = getattr(getattr(client.km, "provisioner", None), "process", None)
        pid = getattr(pid, "pid", None) or getattr(getattr(client.km, "kernel", None), "pid", None)
        if pid:
            mb = peak_rss_mb(pid)
            if mb is not None:
                peak[0] = max(peak[0] or 0, mb)

    cell_started = {}
    cell_seconds = {}

    def cell_start(cell_index, **_):
        cell_started[cell_index] = time.monotonic()

    def cell_done(cell_index, **kw):
        cell_seconds[cell_index] = time.monotonic() - cell_started.get(cell_index, time.monotonic())
        sample(**kw)

    client.on_cell_start = cell_start
    client.on_cell_executed = cell_done
    started = time.monotonic()
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = str(e).strip().splitlines()[-1] if str(e).strip() else repr(e)
    seconds = time.monotonic() - started
    problems = check(name, nb)
    if error and not problems:
        problems.append(f"{name}: {error}")
    if write:  # a failed notebook is written too, to read its outputs (do not commit it)
        scrub(nb)
        nbformat.write(nb, path)
    images = sum(1 for _, out in outputs(nb) if "image/png" in out.get("data", {}))
    slowest = sorted(cell_seconds.items(), key=lambda kv: -kv[1])[:3]
    return {"notebook": name, "seconds": round(seconds, 1), "images": images,
            "peak_rss_mb": round(peak[0]) if peak[0] else None, "problems": problems,
            "slowest_cells": {f"cell {i}": round(t, 1) for i, t in slowest}}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb, in order")
    ap.add_argument("--write", action="store_true", help="save the executed notebooks (outputs) in place, failed ones too")
    ap.add_argument("--timeout", type=int, default=900, help="seconds one cell may take (default 900)")
    ap.add_argument("--report", type=Path, help="also write the results as JSON here")
    args = ap.parse_args()
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        sys.exit(f"no notebooks in {NOTEBOOKS}")
    mode = "quick" if os.environ.get("RLHF4J_QUICK") in ("1", "true") else "full"
    results = []
    for path in paths:
        print(f"running {path.name} ({mode} mode) ...", flush=True)
        r = run(path, args.timeout, args.write)
        results.append(r)
        rss = f"{r['peak_rss_mb']} MiB" if r["peak_rss_mb"] else "n/a"
        print(f"  {r['seconds']:7.1f} s  {r['images']:2d} charts  kernel peak RSS {rss}"
              + ("" if not r["problems"] else "  FAILED"), flush=True)
        print("  slowest: " + ", ".join(f"{k} {v} s" for k, v in r["slowest_cells"].items()), flush=True)
        for p in r["problems"]:
            print("  " + p, flush=True)
    print(f"\n{'notebook':28s} {'mode':6s} {'seconds':>8s} {'charts':>7s} {'peak RSS MiB':>13s}")
    for r in results:
        print(f"{r['notebook']:28s} {mode:6s} {r['seconds']:8.1f} {r['images']:7d} {str(r['peak_rss_mb']):>13s}")
    if args.report:
        args.report.write_text(json.dumps({"mode": mode, "results": results}, indent=2) + "\n")
    if any(r["problems"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
