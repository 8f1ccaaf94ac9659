#!/usr/bin/env python3
"""A generic Python JSON plugin doing the same check as `check_hetrix -m disk`:
fetch the v1 payload, compare every mount's used % with -w/-c, print one
line with perfdata. The comparison point for the benchmark, not a product."""

import json
import os
import sys
import urllib.request


def main():
    url, warning, critical = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            data = json.load(response)
    except Exception as error:  # noqa: BLE001 - any failure is UNKNOWN
        print(f"DISK UNKNOWN - {error}")
        return 3
    state, problems, perfdata = 0, [], []
    for disk in data.get("Disks") or []:
        size, used = disk["Size"], disk["Used"]
        percent = 100.0 * used / size if size else 0.0
        level = 2 if percent > critical else 1 if percent > warning else 0
        if level:
            problems.append(f"{disk['Mount']} {percent:.1f}%")
        state = max(state, level)
        perfdata.append(
            f"'{disk['Mount']}'={used}B;{int(size * warning / 100)};"
            f"{int(size * critical / 100)};0;{size}"
        )
    word = ["OK", "WARNING", "CRITICAL"][state]
    summary = ", ".join(problems[:3]) or f"{len(perfdata)} mounts OK"
    print(f"DISK {word} - {summary} | {' '.join(perfdata)}")
    return state


if __name__ == "__main__":
    sys.stdout.flush()
    os._exit(main())
