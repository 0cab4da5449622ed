#!/usr/bin/env python3
"""Change-to-screen with many consoles open, measured as an operator would see it.

Opens N consoles (80x24, tmux, one private tmux server) on a database, waits until each shows
its whole register, then once a second acknowledges one P1 alert from another process
(`dutydesk alert ack`) and watches every console's header until its count of unacknowledged
P1 alerts changes. Prints the change-to-screen latencies (p50, p95, max over every console and
change), the consoles' CPU while idle, and their memory.

    scripts/consoles.py --db DB [--bin target/release/dutydesk] [--consoles 20] [--changes 60]

The database is written to (alerts are acknowledged): give it a copy. Standard library only;
needs tmux. A latency is counted from just before the writing command starts (so it includes
that command's own start-up) and, in the second column, from when it returned.
"""

import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time

P1_COUNT = re.compile(r"P1\D{0,3}(\d+)")


def tmux(sock, *args):
    return subprocess.run(
        ["tmux", "-L", sock, *args], capture_output=True, text=True, check=False
    ).stdout


def headers(sock, n):
    """The first line of every console, in one tmux call."""
    cmd = []
    for i in range(n):
        if cmd:
            cmd.append(";")
        cmd += ["capture-pane", "-p", "-t", f"c{i}", "-S", "0", "-E", "0"]
    lines = tmux(sock, *cmd).splitlines()
    return lines[:n] if len(lines) >= n else lines + [""] * (n - len(lines))


def p1(line):
    m = P1_COUNT.search(line)
    return int(m.group(1)) if m else None


def console_pids(sock, n):
    pids = []
    for i in range(n):
        shell = tmux(sock, "list-panes", "-t", f"c{i}", "-F", "#{pane_pid}").strip()
        pid = shell
        # The pane runs the binary directly; if a shell sits in between, take its child.
        kids = subprocess.run(
            ["pgrep", "-P", shell], capture_output=True, text=True
        ).stdout.split()
        if kids:
            pid = kids[0]
        pids.append(int(pid))
    return pids


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--bin", default="target/release/dutydesk")
    ap.add_argument("--consoles", type=int, default=20)
    ap.add_argument("--changes", type=int, default=60)
    ap.add_argument("--idle", type=float, default=30.0, help="seconds of idle CPU sampling")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    db = os.path.abspath(args.db)
    n = args.consoles
    sock = f"dutydesk-consoles-{os.getpid()}"
    env = dict(os.environ, DUTYDESK_LANG="zh", TERM="xterm-256color")
    env.pop("DUTYDESK_DB", None)

    ids = [
        r[0]
        for r in sqlite3.connect(db).execute(
            "SELECT id FROM alerts WHERE severity = 'P1' AND status = 'new' "
            "ORDER BY id LIMIT ?",
            (args.changes,),
        )
    ]
    if len(ids) < args.changes:
        sys.exit(f"only {len(ids)} unacknowledged P1 alerts in {db}")

    try:
        started = time.monotonic()
        for i in range(n):
            subprocess.run(
                ["tmux", "-L", sock, "new-session", "-d", "-s", f"c{i}", "-x", "80", "-y", "24",
                 binary, "--db", db],
                env=env, check=True,
            )
        pids = console_pids(sock, n)
        # Loaded: every header shows the P1 count and memory has stopped growing (the
        # register follows the first screen).
        last = None
        while True:
            time.sleep(1.0)
            shown = [p1(h) for h in headers(sock, n)]
            rss = sum(status_kb(p, "VmRSS") for p in pids)
            if all(c is not None for c in shown) and rss == last:
                break
            last = rss
            if time.monotonic() - started > 300:
                sys.exit("consoles did not load within 300 s")
        print(f"{n} consoles loaded in {time.monotonic() - started:.1f} s (until memory was steady)")

        from_start, from_return, writes, missed = [], [], [], 0
        for alert in ids:
            before = [p1(h) for h in headers(sock, n)]
            t0 = time.monotonic()
            r = subprocess.run(
                [binary, "--db", db, "alert", "ack", str(alert)],
                env=env, capture_output=True, text=True,
            )
            t1 = time.monotonic()
            if r.returncode != 0:
                sys.exit(f"alert ack {alert} failed: {r.stdout}{r.stderr}")
            writes.append(t1 - t0)
            seen = [None] * n
            while None in seen and time.monotonic() - t0 < 5.0:
                now_shown = headers(sock, n)
                t = time.monotonic()
                for i, h in enumerate(now_shown):
                    if seen[i] is None and p1(h) is not None and p1(h) != before[i]:
                        seen[i] = t
                time.sleep(0.01)
            for s in seen:
                if s is None:
                    missed += 1
                else:
                    from_start.append(s - t0)
                    from_return.append(max(0.0, s - t1))
            time.sleep(max(0.0, 1.0 - (time.monotonic() - t0)))

        ticks = os.sysconf("SC_CLK_TCK")
        before = [cpu_ticks(p) for p in pids]
        time.sleep(args.idle)
        idle = [(cpu_ticks(p) - b) / ticks / args.idle * 100 for p, b in zip(pids, before)]
        rss = [status_kb(p, "VmRSS") / 1024 for p in pids]
        hwm = [status_kb(p, "VmHWM") / 1024 for p in pids]

        def ms(v):
            return f"{v * 1000:.0f} ms"

        print(f"changes: {len(ids)}, one a second; consoles: {n}; screens that never changed within 5 s: {missed}")
        print(f"writing command (alert ack): median {ms(statistics.median(writes))}, max {ms(max(writes))}")
        print(f"change to screen, from the write's start:  p50 {ms(pct(from_start, 0.5))}  p95 {ms(pct(from_start, 0.95))}  max {ms(max(from_start))}")
        print(f"change to screen, from the write's return: p50 {ms(pct(from_return, 0.5))}  p95 {ms(pct(from_return, 0.95))}  max {ms(max(from_return))}")
        print(f"idle CPU per console over {args.idle:.0f} s: mean {statistics.mean(idle):.2f}%  max {max(idle):.2f}%")
        print(f"console RSS: mean {statistics.mean(rss):.0f} MB  max {max(rss):.0f} MB; peak (VmHWM) max {max(hwm):.0f} MB")
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)


if __name__ == "__main__":
    main()
