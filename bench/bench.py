#!/usr/bin/env python3
"""Whole-process cost of one check: check_hetrix against a mock HetrixTools
API on 127.0.0.1, compared with `curl -s` of the same URL and a generic
Python JSON plugin. Runs alternate between the commands so a busy machine
slows all of them alike; wall time is the median of direct spawns, peak RSS
the median of GNU `time -f %M` (a child forked from this large Python
process would be charged its pages until it execs; `time` is small).

Usage: bench/run [--rounds N]   (builds the release binary, then runs this)
"""

import argparse
import copy
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "benchTOKEN0123456789"
GNU_TIME = "/usr/bin/time"


def payloads():
    """Monitor ID → v1 body: the documented example (4 mounts) and the
    same server with 1,000 and 10,000 generated mounts, all OK."""
    with open(os.path.join(ROOT, "src", "demo.json"), encoding="utf-8") as f:
        example = json.load(f)
    shift = int(time.time()) - example["AgentLastData"]
    example["AgentLastData"] += shift
    for sample in example["Stats"]:
        sample["Minute"] += shift
    bodies = {"example": example}
    template = example["Disks"][1]
    for count in (1000, 10000):
        payload = copy.deepcopy(example)
        disks = []
        for i in range(count):
            disk = copy.deepcopy(template)
            disk["Mount"] = f"/srv/volume{i:05d}"
            disk["Used"] = disk["Size"] * (i % 70) // 100
            disk["Available"] = disk["Size"] - disk["Used"]
            disks.append(disk)
        payload["Disks"] = disks
        bodies[f"mounts{count}"] = payload
    return {name: json.dumps(body).encode() for name, body in bodies.items()}


def serve(bodies):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - http.server's name
            monitor = self.path.rstrip("/").rsplit("/", 1)[-1]
            body = bodies.get(monitor, b'{"status":"ERROR","error_message":"unknown monitor"}')
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def wall_ms(argv, env):
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return (time.perf_counter() - start) * 1000


def peak_rss_kib(argv, env):
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
        subprocess.run(
            [GNU_TIME, "-f", "%M", "-o", out.name, *argv],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        return int(out.read().strip().splitlines()[-1])


def measure(commands, rounds, env):
    """Alternating rounds over every command: name → (median ms, median KiB)."""
    times = {name: [] for name in commands}
    rss = {name: [] for name in commands}
    names = list(commands)
    for name in names:  # warm the page cache; a failing command measures nothing
        run = subprocess.run(commands[name], env=env, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            sys.exit(f"{name} exited {run.returncode}: {run.stdout[:300]}{run.stderr[:300]}")
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(wall_ms(commands[name], env))
            if round_number < max(5, rounds // 4):
                rss[name].append(peak_rss_kib(commands[name], env))
    return {
        name: (statistics.median(times[name]), statistics.median(rss[name]))
        for name in names
    }


def options(binary):
    return subprocess.run([binary, "--help"], capture_output=True, text=True, check=False).stdout


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True, check=False)
    return (
        f"{model}, {os.cpu_count()} cores, Linux {platform.release()}, "
        f"{rustc.stdout.strip() or 'rustc unknown'}"
    )


def row(name, ms, kib, curl=None):
    ratio = f"{ms / curl[0]:.2f}× / {kib / curl[1]:.2f}×" if curl else ""
    return f"| {name} | {ms:.2f} | {kib / 1024:.1f} | {ratio} |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "check_hetrix"))
    args = parser.parse_args()
    for tool in (GNU_TIME, shutil.which("curl")):
        if not tool or not os.path.exists(tool):
            sys.exit("bench needs GNU time (/usr/bin/time) and curl: apt-get install time curl")

    bodies = payloads()
    server, base = serve(bodies)
    cache_dir = tempfile.mkdtemp(prefix="check_hetrix_bench_")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HETRIX_")}
    env["HETRIX_API_TOKEN"] = TOKEN
    env["CHECK_HETRIX_CACHE_DIR"] = cache_dir

    def plugin(monitor, *extra):
        # The bodies are v1's (the server answers v1 paths): ask for v1.
        return [args.binary, "--api-url", base, "--api", "v1", "-i", monitor, "-m", "disk", *extra]

    def url(monitor):
        return f"{base}/v1/{TOKEN}/server/stats/{monitor}/"

    # The response cache is another branch's feature: use it when present.
    has_cache = "--cache-ttl" in options(args.binary)
    cold = ("--cache-ttl", "0") if has_cache else ()
    commands = {"check_hetrix -m disk" + (" (cache off)" if has_cache else ""): plugin("example", *cold)}
    if has_cache:
        warm = plugin("example", "--cache-ttl", "86400")
        subprocess.run(warm, env=env, stdout=subprocess.DEVNULL, check=False)
        commands["check_hetrix -m disk (warm cache)"] = warm
    commands["check_hetrix --demo -m disk"] = [args.binary, "--demo", "-m", "disk"]
    commands["curl -s -o /dev/null"] = ["curl", "-s", "-o", "/dev/null", url("example")]
    # What any process costs here (exec, the dynamic loader, libc's start-up):
    # the floor under every row, and on a VM most of a cached check.
    commands["true (process start-up floor)"] = [shutil.which("true") or "/bin/true"]
    python = shutil.which("python3", path="/usr/bin:/bin") or shutil.which("python3")
    if python:
        commands["Python JSON plugin"] = [
            python,
            os.path.join(ROOT, "bench", "python_plugin.py"),
            url("example"),
            "80",
            "90",
        ]

    print(f"Machine: {machine()}")
    print(f"Runs: {args.rounds} alternating rounds; wall = median, RSS = median peak (GNU time)\n")
    results = measure(commands, args.rounds, env)
    curl = results["curl -s -o /dev/null"]
    print("| command | wall ms | peak RSS MiB | vs curl (time / RSS) |")
    print("|---|---:|---:|---:|")
    for name, (ms, kib) in results.items():
        print(row(name, ms, kib, curl))

    # One alternating measurement for all sizes, so the ratios compare runs
    # from the same minutes of a possibly busy machine.
    monitors = ("example", "mounts1000", "mounts10000")
    scaling_commands = {}
    for monitor in monitors:
        scaling_commands[f"check_hetrix {monitor}"] = plugin(monitor, *cold)
        scaling_commands[f"curl {monitor}"] = ["curl", "-s", "-o", "/dev/null", url(monitor)]
    measured = measure(scaling_commands, max(10, args.rounds // 2), env)
    scaling = {
        monitor: {"check_hetrix": measured[f"check_hetrix {monitor}"], "curl": measured[f"curl {monitor}"]}
        for monitor in monitors
    }
    print("\n| payload | body KiB | check_hetrix wall ms | peak RSS MiB | vs example (time / RSS) | curl wall ms |")
    print("|---|---:|---:|---:|---:|---:|")
    base_ms, base_kib = scaling["example"]["check_hetrix"]
    for monitor, label in (("example", "example, 4 mounts"), ("mounts1000", "1,000 mounts"), ("mounts10000", "10,000 mounts")):
        ms, kib = scaling[monitor]["check_hetrix"]
        print(
            f"| {label} | {len(bodies[monitor]) / 1024:.0f} | {ms:.2f} | {kib / 1024:.1f} "
            f"| {ms / base_ms:.2f}× / {kib / base_kib:.2f}× | {scaling[monitor]['curl'][0]:.2f} |"
        )

    size = os.path.getsize(args.binary)
    cold_name = next(iter(commands))
    ms, kib = results[cold_name]
    print(f"\nBinary: {args.binary}: {size} bytes ({size / 1048576:.2f} MiB)")
    print("\nTargets:")
    checks = [
        (f"wall time {ms / curl[0]:.2f}× curl's", ms / curl[0] <= 0.5, "≤ 0.5×"),
        (f"peak RSS {kib / curl[1]:.2f}× curl's", kib / curl[1] <= 0.35, "≤ 0.35×"),
        (f"binary {size / 1048576:.2f} MiB", size <= 2.5 * 1048576, "≤ 2.5 MiB"),
        (
            f"1,000 mounts {scaling['mounts1000']['check_hetrix'][0] / base_ms:.2f}× the example",
            scaling["mounts1000"]["check_hetrix"][0] / base_ms < 2,
            "< 2×",
        ),
    ]
    if has_cache:
        warm_ms = results["check_hetrix -m disk (warm cache)"][0]
        checks.append((f"warm cache {warm_ms / curl[0]:.2f}× curl's", warm_ms / curl[0] <= 0.2, "≤ 0.2×"))
    else:
        print("  (no --cache-ttl in this binary: warm-cache run skipped)")
    for text, met, target in checks:
        print(f"  {'met' if met else 'NOT met'}: {text} (target {target})")
    server.shutdown()
    shutil.rmtree(cache_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
