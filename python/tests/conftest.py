"""Shared by the binding tests: the package under test and the timings shown at the end.

CTest runs these with PYTHONPATH at the build tree's package (build/<preset>/python); run alone:
    PYTHONPATH=build/release/python /usr/bin/python3 -m pytest -q python/tests
"""
import statistics

import pytest

TIMINGS = {}  # name → list of seconds


def record(name, seconds):
    TIMINGS.setdefault(name, []).append(seconds)


@pytest.fixture
def timings():
    return record


def pytest_terminal_summary(terminalreporter):
    for name, values in sorted(TIMINGS.items()):
        terminalreporter.write_line(
            f"{name}: {len(values)} solves, median {statistics.median(values) * 1000:.1f} ms, "
            f"total {sum(values):.2f} s")
