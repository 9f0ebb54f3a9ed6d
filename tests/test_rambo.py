"""RAMBO against results known independently of it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from topoae.generate import rambo

SQRT_S = 1000.0


@pytest.fixture
def rng():
    return np.random.default_rng(20261203)


def assert_on_shell(p: np.ndarray, masses) -> None:
    """p_i^2 = m_i^2 to 1e-12 of s."""
    expected = np.broadcast_to((np.asarray(masses) / SQRT_S) ** 2, p.shape[:2])
    np.testing.assert_allclose(rambo.minkowski_square(p) / SQRT_S**2, expected, rtol=0, atol=1e-12)


def pair_s(p: np.ndarray, i: int, j: int) -> np.ndarray:
    return rambo.minkowski_square(p[:, i] + p[:, j])


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_massless_momenta_conserve_and_are_on_shell(rng, n):
    p = rambo.massless(rng, 50_000, n, SQRT_S)
    total = p.sum(axis=1)
    np.testing.assert_allclose(total[:, :3] / SQRT_S, 0.0, atol=1e-12)
    np.testing.assert_allclose(total[:, 3] / SQRT_S, 1.0, rtol=0, atol=1e-12)
    assert np.all(np.abs(rambo.minkowski_square(p)) <= 1e-12 * p[..., 3] ** 2)
    assert np.all(p[..., 3] > 0)


def test_three_body_invariants_sum_to_s(rng):
    p = rambo.massless(rng, 50_000, 3, SQRT_S)
    total = pair_s(p, 0, 1) + pair_s(p, 0, 2) + pair_s(p, 1, 2)
    np.testing.assert_allclose(total / SQRT_S**2, 1.0, atol=1e-12)


def test_dalitz_plot_of_three_massless_bodies_is_uniform(rng):
    """Flat 3-body phase space is uniform on the Dalitz triangle x + y <= 1 (x = s12/s, y = s23/s).

    The map u = 1 - (1 - x)^2, v = y / (1 - x) sends the uniform triangle to the
    uniform unit square, where a chi-square test on a 10 x 10 grid applies.
    """
    p = rambo.massless(rng, 200_000, 3, SQRT_S)
    x, y = pair_s(p, 0, 1) / SQRT_S**2, pair_s(p, 1, 2) / SQRT_S**2
    u, v = 1 - (1 - x) ** 2, y / (1 - x)
    counts, _, _ = np.histogram2d(u, v, bins=10, range=[[0, 1], [0, 1]])
    result = stats.chisquare(counts.ravel())
    assert result.pvalue > 1e-3, result


def _volume_by_recursion(n: int, s: float) -> float:
    """V_n(s) = int_0^s ds' V_2(s; s', 0) V_(n-1)(s'), with V_2(s; m^2, 0) = (pi/2)(1 - m^2/s).

    Independent of the closed formula: it only uses the two-body volume and the
    factorisation of phase space into a massive pseudo-particle and one more body.
    """
    if n == 2:
        return math.pi / 2
    value, _ = integrate.quad(lambda sp: (math.pi / 2) * (1 - sp / s) * _volume_by_recursion(n - 1, sp), 0, s)
    return value


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_massless_volume_formula_matches_recursive_integration(n):
    s = SQRT_S**2
    assert rambo.massless_volume(n, s) == pytest.approx(_volume_by_recursion(n, s), rel=1e-8)


@pytest.mark.parametrize("n", [3, 4, 5])
def test_massless_energy_spectrum_is_that_of_flat_phase_space(rng, n):
    """dV_n/dE_1 is proportional to E_1 (s - 2 sqrt(s) E_1)^(n-3): a Kolmogorov-Smirnov test."""
    e = rambo.massless(rng, 50_000, n, SQRT_S)[:, 0, 3] / (SQRT_S / 2)  # in [0, 1]
    grid = np.linspace(0, 1, 2001)
    density = grid * (1 - grid) ** (n - 3)
    cdf = np.concatenate([[0], np.cumsum((density[1:] + density[:-1]) / 2)])
    cdf /= cdf[-1]
    assert stats.kstest(e, lambda t: np.interp(t, grid, cdf)).pvalue > 1e-3


@pytest.mark.parametrize("masses", [(100.0, 200.0), (300.0, 650.0), (10.0, 0.0)])
def test_massive_two_body_weights_give_the_analytic_volume(rng, masses):
    p, weights = rambo.massive(rng, 20_000, masses, SQRT_S)
    s = SQRT_S**2
    expected = (math.pi / 2) * math.sqrt(rambo.kallen(s, masses[0] ** 2, masses[1] ** 2)) / s
    assert weights.mean() == pytest.approx(expected, rel=1e-10)  # two-body weights are constant
    assert_on_shell(p, masses)
    np.testing.assert_allclose(p.sum(axis=1)[:, 3] / SQRT_S, 1.0, atol=1e-12)
    np.testing.assert_allclose(p.sum(axis=1)[:, :3] / SQRT_S, 0.0, atol=1e-12)


def _three_body_volume(s: float, m: tuple[float, float, float]) -> float:
    """pi^2/(4 s) times the Dalitz-plot area, integrated numerically over s12."""
    m1, m2, m3 = m

    def width(s12: float) -> float:
        return math.sqrt(max(rambo.kallen(s12, m1**2, m2**2), 0) * max(rambo.kallen(s, s12, m3**2), 0)) / s12

    area, _ = integrate.quad(width, (m1 + m2) ** 2, (math.sqrt(s) - m3) ** 2, limit=200)
    return math.pi**2 / (4 * s) * area


@pytest.mark.parametrize("masses", [(100.0, 200.0, 300.0), (50.0, 0.0, 0.0), (400.0, 10.0, 250.0)])
def test_massive_three_body_weights_converge_to_the_dalitz_volume(rng, masses):
    _, weights = rambo.massive(rng, 400_000, masses, SQRT_S)
    expected = _three_body_volume(SQRT_S**2, masses)
    error = weights.std() / math.sqrt(len(weights))
    assert abs(weights.mean() - expected) < 4 * error + 1e-12 * expected


@pytest.mark.parametrize("n", [3, 5])
def test_massive_weights_tend_to_the_massless_volume(rng, n):
    _, weights = rambo.massive(rng, 100_000, np.full(n, 1e-3), SQRT_S)
    assert weights.mean() == pytest.approx(rambo.massless_volume(n, SQRT_S**2), rel=1e-5)


def test_resonance_pair_mass_follows_the_breit_wigner(rng):
    mass, width = 400.0, 20.0
    p, weights, m_x = rambo.resonance(rng, 50_000, [0.0, 0.0, 0.0], SQRT_S, mass, width, pair=(0, 2))
    np.testing.assert_allclose(np.sqrt(pair_s(p, 0, 2)), m_x, rtol=1e-10)
    np.testing.assert_allclose(p.sum(axis=1)[:, :3] / SQRT_S, 0.0, atol=1e-12)
    np.testing.assert_allclose(p.sum(axis=1)[:, 3] / SQRT_S, 1.0, atol=1e-12)
    assert np.all(weights > 0)
    cdf = lambda m: rambo.breit_wigner_cdf(m, mass, width, 0.0, SQRT_S)  # noqa: E731
    assert stats.kstest(m_x, cdf).pvalue > 1e-3
    # Half the events lie within one half-width of the pole.
    inside = np.mean(np.abs(m_x - mass) < width / 2)
    assert inside == pytest.approx(cdf(mass + width / 2) - cdf(mass - width / 2), abs=0.01)
    assert 0.45 < inside < 0.55


def test_resonance_with_massive_daughters_is_on_shell(rng):
    masses = [80.0, 90.0, 30.0]
    p, _, _ = rambo.resonance(rng, 10_000, masses, SQRT_S, 500.0, 30.0, pair=(0, 1))
    assert_on_shell(p, masses)


def test_massive_rejects_masses_above_sqrt_s(rng):
    with pytest.raises(ValueError, match="not below sqrt_s"):
        rambo.massive(rng, 10, [600.0, 500.0], SQRT_S)


def test_massless_rejects_fewer_than_two_particles(rng):
    with pytest.raises(ValueError, match="n_particles=1"):
        rambo.massless(rng, 10, 1, SQRT_S)


def test_unweighted_massive_events_are_flat_in_the_dalitz_plot(rng):
    """Flat phase space is uniform in (s12, s23): s12's density is the Dalitz region's width at s12.

    Checks the massive weights and their hit-or-miss unweighting together, by a
    Kolmogorov-Smirnov test against that width integrated numerically.
    """
    from topoae.generate import rambo_events

    masses = (100.0, 200.0, 300.0)
    columns = rambo_events(rng, 40_000, 0, 3, SQRT_S, masses=masses, unweight=True)
    assert np.ptp(columns["weight"]) == 0
    p = np.stack([np.asarray(columns["particles"][f].to_numpy()) for f in ("px", "py", "pz", "E")], axis=-1)
    s12 = pair_s(p, 0, 1)
    m1, m2, m3 = masses
    s = SQRT_S**2
    grid = np.linspace((m1 + m2) ** 2, (SQRT_S - m3) ** 2, 4001)
    width = (
        np.sqrt(
            np.clip(rambo.kallen(grid, m1**2, m2**2), 0, None)
            * np.clip(rambo.kallen(s, grid, m3**2), 0, None)
        )
        / grid
    )
    cdf = np.concatenate([[0], np.cumsum((width[1:] + width[:-1]) / 2)])
    cdf /= cdf[-1]
    assert stats.kstest(s12, lambda t: np.interp(t, grid, cdf)).pvalue > 1e-3
