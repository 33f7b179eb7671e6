"""Running Datasette and `thinkscrape browse` in the tests as a user would: a subprocess
serving on a loopback address, its port read from Datasette's start-up line."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

START_TIMEOUT = 30.0
THINKSCRAPE = Path(sys.executable).parent / "thinkscrape"


def start_browse(archive: Path, tmp: Path, *options: str) -> subprocess.Popen:
    """`thinkscrape browse` in its own process group, its temp folder under ``tmp``."""
    return subprocess.Popen(
        [str(THINKSCRAPE), "browse", "--db", str(archive), *options],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
        start_new_session=True,
    )


def stop_group(process: subprocess.Popen) -> None:
    """Whatever the command under test left running (a Datasette it orphaned) ends here."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def read_stderr(process: subprocess.Popen) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stderr], daemon=True
    ).start()
    return lines


def wait_for_port(
    lines: queue.Queue[str], process: subprocess.Popen, host: str = "127.0.0.1"
) -> int:
    """The port Datasette says it is running on at ``host``."""
    deadline = time.monotonic() + START_TIMEOUT
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            if process.poll() is not None:
                break
            continue
        seen.append(line)
        found = re.search(rf"running on http://{re.escape(host)}:(\d+)", line)
        if found:
            return int(found.group(1))
    raise AssertionError(f"Datasette did not start on {host}: {''.join(seen)}")


def listening(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex((host, port)) == 0
