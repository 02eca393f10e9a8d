"""Feeds validating their first batches at once, two threads per suite: every suite loads once, none sees GX
half-imported."""
from __future__ import annotations

import subprocess
import sys

# A fresh interpreter, so GX is imported by the racing threads themselves.
RACE = """
import threading
from corridor.expectations import suite_names
from corridor.expectations.suites import load_suite

names = suite_names() * 2  # two batches of one feed at once, too
start = threading.Barrier(len(names))
errors = []

def first_use(name):
    start.wait()
    try:
        load_suite(name)
    except Exception as error:
        errors.append(f"{name}: {type(error).__name__}: {error}")

threads = [threading.Thread(target=first_use, args=(name,)) for name in names]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(set(names)), "suites;", errors or "no errors")
"""


def test_every_suite_loads_when_all_are_first_used_at_once():
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "12 suites; no errors"
