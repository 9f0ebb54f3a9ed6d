"""RAMBO events/s: topoae's kernel against a per-event Python loop and a straightforward numpy port.

Also the peak memory of 10 million events generated in bounded chunks.
Run: python benchmarks/bench_rambo.py [--quick]
"""

from __future__ import annotations

import argparse
import math
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
from common import median_seconds, print_table

from topoae.generate import rambo

SQRT_S = 1000.0
HERE = Path(__file__).resolve().parent


def python_rambo(n_events: int, n: int, sqrt_s: float, seed: int = 0) -> list:
    """RAMBO written event by event in plain Python, as in the original Fortran."""
    rnd = random.Random(seed)
    events = []
    for _ in range(n_events):
        q = []
        for _ in range(n):
            c = 2 * rnd.random() - 1
            s = math.sqrt(1 - c * c)
            f = 2 * math.pi * rnd.random()
            e = -math.log(rnd.random() * rnd.random())
            q.append((e * s * math.cos(f), e * s * math.sin(f), e * c, e))
        qs = [sum(v[k] for v in q) for k in range(4)]
        m = math.sqrt(qs[3] ** 2 - qs[0] ** 2 - qs[1] ** 2 - qs[2] ** 2)
        b = [-qs[k] / m for k in range(3)]
        g, x = qs[3] / m, sqrt_s / m
        a = 1 / (1 + g)
        event = []
        for v in q:
            bq = b[0] * v[0] + b[1] * v[1] + b[2] * v[2]
            event.append(
                tuple(x * (v[k] + b[k] * (v[3] + a * bq)) for k in range(3)) + (x * (g * v[3] + bq),)
            )
        events.append(event)
    return events


def numpy_rambo(rng: np.random.Generator, n_events: int, n: int, sqrt_s: float) -> np.ndarray:
    """The same algorithm vectorised the obvious way: (N, n) arrays, stacks and einsums."""
    c = 2 * rng.random((n_events, n)) - 1
    phi = 2 * np.pi * rng.random((n_events, n))
    e = -np.log(rng.random((n_events, n)) * rng.random((n_events, n)))
    s = np.sqrt(1 - c**2)
    q = np.stack([e * s * np.cos(phi), e * s * np.sin(phi), e * c, e], axis=-1)
    big_q = q.sum(axis=1)
    m = np.sqrt(big_q[:, 3] ** 2 - np.einsum("ij,ij->i", big_q[:, :3], big_q[:, :3]))
    b = -big_q[:, :3] / m[:, None]
    g = big_q[:, 3] / m
    a = 1 / (1 + g)
    x = sqrt_s / m
    bq = np.einsum("ik,ijk->ij", b, q[..., :3])
    p3 = x[:, None, None] * (q[..., :3] + b[:, None, :] * (q[..., 3] + a[:, None] * bq)[..., None])
    p0 = x[:, None] * (g[:, None] * q[..., 3] + bq)
    return np.concatenate([p3, p0[..., None]], axis=-1)


def chunked_peak_rss_mb(n_total: int, chunk: int) -> float:
    """Peak RSS of a fresh process that generates ``n_total`` 3-body events ``chunk`` at a time."""
    code = f"""
import numpy as np
from common import peak_rss_mb
from topoae.generate import rambo
rng = np.random.default_rng(1)
done = 0
while done < {n_total}:
    n = min({chunk}, {n_total} - done)
    p = rambo.massless(rng, n, 3, 1000.0)
    done += n
print(peak_rss_mb())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=HERE)
    return float(out.stdout.strip())


def main(quick: bool) -> None:
    rng = np.random.default_rng(1)
    n_vec = 200_000 if quick else 1_000_000
    n_py = 5_000 if quick else 20_000
    rows = []
    for n in (3, 8):
        t_py = median_seconds(lambda n=n: python_rambo(n_py, n, SQRT_S), repeats=3) / n_py
        t_np = median_seconds(lambda n=n: numpy_rambo(rng, n_vec, n, SQRT_S)) / n_vec
        t_topo = median_seconds(lambda n=n: rambo.massless(rng, n_vec, n, SQRT_S)) / n_vec
        rows.append(
            (
                n,
                f"{1 / t_py:,.0f}",
                f"{1 / t_np:,.0f}",
                f"{1 / t_topo:,.0f}",
                f"{t_py / t_topo:.0f}x",
                f"{t_np / t_topo:.2f}x",
            )
        )
    print_table(
        "RAMBO massless events/s, one thread (medians)",
        rows,
        ("n", "python loop", "plain numpy", "topoae", "vs python", "vs numpy"),
    )
    massive = median_seconds(lambda: rambo.massive(rng, n_vec, [100.0, 50.0, 10.0], SQRT_S)) / n_vec
    print(f"\nmassive 3-body (Newton rescaling + weights): {1 / massive:,.0f} events/s")
    total, chunk = (2_000_000, 250_000) if quick else (10_000_000, 500_000)
    peak = chunked_peak_rss_mb(total, chunk)
    baseline = chunked_peak_rss_mb(chunk, chunk)
    print(
        f"\npeak RSS for {total:,} events in chunks of {chunk:,}: {peak:.0f} MB "
        f"(one chunk alone: {baseline:.0f} MB; ratio {peak / baseline:.2f}; "
        f"a single array of them all would hold {total * 3 * 4 * 8 / 1e6:,.0f} MB of momenta)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller samples, for a smoke test")
    main(parser.parse_args().quick)
