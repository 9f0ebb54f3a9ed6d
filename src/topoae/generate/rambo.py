"""Vectorised RAMBO: flat n-body phase space (Kleiss, Stirling, Ellis 1986).

Momenta are arrays of shape ``(n_events, n_particles, 4)`` with components
ordered ``(px, py, pz, E)``. Phase-space volumes use the measure
``prod_i d^4p_i delta(p_i^2 - m_i^2) theta(E_i) delta^4(P - sum_i p_i)``,
with no factors of 2 pi.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np

PX, PY, PZ, E = range(4)

# The weight and the distribution of RAMBO's momenta do not depend on the boost
# b = -Q/M, so events may be redrawn on any condition on b without bias. Large
# gamma = Q0/M loses digits to cancellation (about gamma^2 machine epsilons in
# p^2); redrawing gamma > GAMMA_MAX keeps every mass shell to ~1e-14.
GAMMA_MAX = 8.0


def massless_volume(n_particles: int, s: float) -> float:
    """Volume of massless n-body phase space, (pi/2)^(n-1) s^(n-2) / ((n-1)! (n-2)!)."""
    n = n_particles
    return (math.pi / 2) ** (n - 1) * s ** (n - 2) / (math.factorial(n - 1) * math.factorial(n - 2))


def massless(rng: np.random.Generator, n_events: int, n_particles: int, sqrt_s: float) -> np.ndarray:
    """Massless momenta, uniform in phase space, in the centre-of-mass frame.

    Every event carries the same weight, :func:`massless_volume`.
    """
    if n_particles < 2:
        raise ValueError(f"RAMBO needs at least 2 particles, got n_particles={n_particles}")
    # Particles on the first axis: sums over particles become adds of contiguous rows.
    u = rng.random((2, n_particles, n_events))
    # Isotropic massless q_i with energy density q0 exp(-q0): the distribution
    # whose conformal map to the total momentum P gives a constant weight.
    cos_theta = u[0]
    cos_theta *= 2.0
    cos_theta -= 1.0
    phi = u[1]
    phi *= 2.0 * math.pi
    # q0 ~ Gamma(2) as a sum of two exponentials: the ziggurat beats -log(r1 r2) fourfold.
    q0 = rng.standard_exponential((n_particles, n_events))
    q0 += rng.standard_exponential((n_particles, n_events))
    sin_theta = np.sqrt(1.0 - cos_theta * cos_theta)
    sin_theta *= q0
    qx = np.cos(phi) * sin_theta
    qy = np.sin(phi, out=phi)
    qy *= sin_theta
    qz = cos_theta
    qz *= q0

    big_q = [qx.sum(axis=0), qy.sum(axis=0), qz.sum(axis=0), q0.sum(axis=0)]
    inv_mass = 1.0 / np.sqrt(big_q[3] ** 2 - big_q[0] ** 2 - big_q[1] ** 2 - big_q[2] ** 2)
    bx, by, bz = (-c * inv_mass for c in big_q[:3])
    gamma = big_q[3] * inv_mass
    redraw = np.flatnonzero(gamma > GAMMA_MAX)
    a = 1.0 / (1.0 + gamma)
    x = sqrt_s * inv_mass

    bq = bx * qx + by * qy + bz * qz
    out = np.empty((4, n_particles, n_events))
    np.multiply(x, gamma * q0 + bq, out=out[E])
    coeff = a * bq + q0  # shared by all three spatial components
    for axis, (q, b) in enumerate(((qx, bx), (qy, by), (qz, bz))):
        np.multiply(x, q + b * coeff, out=out[axis])
    momenta = out.transpose(2, 1, 0)
    if redraw.size:
        momenta[redraw] = massless(rng, redraw.size, n_particles, sqrt_s)
    return momenta


def _solve_xi(energies: np.ndarray, masses: np.ndarray, sqrt_s: float) -> np.ndarray:
    """Scale factor xi per event with sum_i sqrt(m_i^2 + xi^2 E_i^2) = sqrt(s), by Newton."""
    m2 = np.broadcast_to(masses**2, energies.shape)
    e2 = energies**2
    xi = np.full(energies.shape[0], math.sqrt(max(1.0 - (masses.sum(axis=-1).max() / sqrt_s) ** 2, 0.0)))
    xi = np.maximum(xi, 1e-3)
    for _ in range(100):
        root = np.sqrt(m2 + xi[:, None] ** 2 * e2)
        f = root.sum(axis=1) - sqrt_s
        df = (xi[:, None] * e2 / root).sum(axis=1)
        step = f / df
        xi = np.clip(xi - step, 1e-12, 1.0)
        if np.max(np.abs(step)) < 1e-15:
            break
    return xi


def massive(
    rng: np.random.Generator,
    n_events: int,
    masses: Sequence[float] | np.ndarray,
    sqrt_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Massive momenta and their phase-space weights.

    ``masses`` has shape ``(n,)`` or ``(n_events, n)`` (per-event masses). The
    massless RAMBO momenta are rescaled to the mass shells; the weights are the
    massless volume times the Jacobian of that rescaling, so their mean is the
    massive phase-space volume.
    """
    masses = np.asarray(masses, dtype=float)
    n_particles = masses.shape[-1]
    if np.any(masses.sum(axis=-1) >= sqrt_s):
        raise ValueError(f"masses sum to {masses.sum(axis=-1).max():g}, not below sqrt_s={sqrt_s:g}")
    p = massless(rng, n_events, n_particles, sqrt_s)
    weights = np.full(n_events, massless_volume(n_particles, sqrt_s**2))
    if not np.any(masses):
        return p, weights
    xi = _solve_xi(p[..., E], masses, sqrt_s)
    p[..., :3] *= xi[:, None, None]
    momentum = xi[:, None] * p[..., E]
    energy = np.sqrt(np.broadcast_to(masses**2, momentum.shape) + momentum**2)
    p[..., E] = energy
    weights *= (
        xi ** (2 * n_particles - 3)
        * np.prod(momentum / energy, axis=1)
        * sqrt_s
        / np.sum(momentum**2 / energy, axis=1)
    )
    return p, weights


def kallen(a: np.ndarray | float, b: np.ndarray | float, c: np.ndarray | float) -> np.ndarray:
    """Kallen triangle function lambda(a, b, c)."""
    return a * a + b * b + c * c - 2 * (a * b + a * c + b * c)


def two_body_decay(
    rng: np.random.Generator, parent: np.ndarray, m1: float, m2: float
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic two-body decays of ``parent`` momenta (shape ``(N, 4)``) to masses m1, m2."""
    n_events = parent.shape[0]
    m_parent = np.sqrt(np.maximum(minkowski_square(parent), 0.0))
    p_star = np.sqrt(np.maximum(kallen(m_parent**2, m1**2, m2**2), 0.0)) / (2 * m_parent)
    cos_theta = rng.uniform(-1.0, 1.0, n_events)
    phi = rng.uniform(0.0, 2 * math.pi, n_events)
    sin_theta = np.sqrt(1.0 - cos_theta**2)
    direction = np.stack([sin_theta * np.cos(phi), sin_theta * np.sin(phi), cos_theta], axis=1)
    d1 = np.empty((n_events, 4))
    d1[:, :3] = p_star[:, None] * direction
    d1[:, E] = np.sqrt(m1**2 + p_star**2)
    d2 = np.empty((n_events, 4))
    d2[:, :3] = -d1[:, :3]
    d2[:, E] = np.sqrt(m2**2 + p_star**2)
    beta = parent[:, :3] / parent[:, E : E + 1]
    return boost(d1, beta), boost(d2, beta)


def minkowski_square(p: np.ndarray) -> np.ndarray:
    """p^2 = E^2 - |p|^2 over the last axis."""
    return p[..., E] ** 2 - p[..., PX] ** 2 - p[..., PY] ** 2 - p[..., PZ] ** 2


def boost(p: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Boost four-momenta ``p`` (..., 4) by velocity ``beta`` (..., 3)."""
    b2 = np.sum(beta**2, axis=-1)
    gamma = 1.0 / np.sqrt(1.0 - b2)
    bp = np.sum(beta * p[..., :3], axis=-1)
    coeff = np.where(b2 > 0, (gamma - 1.0) / np.where(b2 > 0, b2, 1.0), 0.0)
    out = np.empty_like(p)
    out[..., :3] = p[..., :3] + (coeff * bp + gamma * p[..., E])[..., None] * beta
    out[..., E] = gamma * (p[..., E] + bp)
    return out


def breit_wigner_masses(
    rng: np.random.Generator, n_events: int, mass: float, width: float, low: float, high: float
) -> np.ndarray:
    """Masses whose squares follow a relativistic Breit-Wigner, truncated to [low, high]."""
    s_low, s_high = low**2, high**2
    mw = mass * width
    angle = rng.uniform(np.arctan((s_low - mass**2) / mw), np.arctan((s_high - mass**2) / mw), n_events)
    return np.sqrt(mass**2 + mw * np.tan(angle))


def breit_wigner_cdf(m: np.ndarray, mass: float, width: float, low: float, high: float) -> np.ndarray:
    """CDF in mass of :func:`breit_wigner_masses`, for goodness-of-fit tests."""
    mw = mass * width
    lo, hi = np.arctan((low**2 - mass**2) / mw), np.arctan((high**2 - mass**2) / mw)
    return (np.arctan((np.asarray(m) ** 2 - mass**2) / mw) - lo) / (hi - lo)


def resonance(
    rng: np.random.Generator,
    n_events: int,
    masses: Sequence[float],
    sqrt_s: float,
    mass: float,
    width: float,
    pair: tuple[int, int] = (0, 1),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Events with a resonance X -> (pair) of Breit-Wigner mass, the rest in phase space.

    Returns momenta ``(N, n, 4)`` in the original particle order, weights
    (phase-space weight of X + spectators times the X decay volume), and the
    generated X masses.
    """
    masses = np.asarray(masses, dtype=float)
    i, j = pair
    spectators = [k for k in range(len(masses)) if k not in (i, j)]
    low = masses[i] + masses[j]
    high = sqrt_s - masses[spectators].sum()
    m_x = breit_wigner_masses(rng, n_events, mass, width, low, high)
    # Keep m_X strictly inside the kinematic range so that RAMBO's mass sum stays below sqrt(s).
    m_x = np.clip(m_x, low * (1 + 1e-12) + 1e-12, high * (1 - 1e-12))
    stage_masses = np.empty((n_events, 1 + len(spectators)))
    stage_masses[:, 0] = m_x
    stage_masses[:, 1:] = masses[spectators]
    stage, weights = massive(rng, n_events, stage_masses, sqrt_s)
    d1, d2 = two_body_decay(rng, stage[:, 0], masses[i], masses[j])
    weights = weights * (math.pi / 2) * np.sqrt(kallen(m_x**2, masses[i] ** 2, masses[j] ** 2)) / m_x**2
    out = np.empty((n_events, len(masses), 4))
    out[:, i], out[:, j] = d1, d2
    out[:, spectators] = stage[:, 1:]
    return out, weights, m_x


def config_problems(rambo: dict, where: str) -> Iterator[str]:
    """Config values that pass the schema but admit no phase space."""
    n, sqrt_s = rambo["n_particles"], rambo["sqrt_s"]
    masses = rambo["masses"] if rambo["masses"] is not None else [0.0] * n
    if len(masses) != n:
        yield f"config key '{where}.masses' = {masses}: {len(masses)} masses for n_particles={n}"
        return
    if sum(masses) >= sqrt_s:
        yield (
            f"config key '{where}.masses' = {masses}: they sum to {sum(masses):g} GeV, "
            f"not below sqrt_s={sqrt_s:g}"
        )
    signal = rambo["signal"]
    i, j = signal["pair"]
    if i == j or max(i, j) >= n:
        yield (
            f"config key '{where}.signal.pair' = {[i, j]}: needs two different indices below n_particles={n}"
        )
        return
    spectators = sum(m for k, m in enumerate(masses) if k not in (i, j))
    if signal["mass"] >= sqrt_s:
        yield f"config key '{where}.signal.mass' = {signal['mass']:g}: not below sqrt_s={sqrt_s:g}"
    elif not masses[i] + masses[j] < signal["mass"] < sqrt_s - spectators:
        yield (
            f"config key '{where}.signal.mass' = {signal['mass']:g}: outside the kinematic range "
            f"({masses[i] + masses[j]:g}, {sqrt_s - spectators:g}) GeV"
        )
