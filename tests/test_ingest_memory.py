"""Memory stays flat: ingesting a 1-million-event ROOT file peaks under 2 GB of RSS."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_ingest.py"


@pytest.mark.slow
def test_one_million_events_under_2_gb(tmp_path):
    sys.path.insert(0, str(BENCH.parent))  # the benchmark imports its sibling 'common'
    spec = importlib.util.spec_from_file_location("bench_ingest", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    summary = bench.main(["--events", "1000000", "--repeats", "1", "--workdir", str(tmp_path)])
    assert 0.8e6 < summary["events_written"] < 1e6  # the selection drops some events
    assert summary["median_peak_rss_mb"] < 2000
