"""Lorentz frames: vector-based rest frames for features, explicit 4x4 matrices for checks.

Four-momenta are ordered ``(px, py, pz, E)`` throughout, as in
:mod:`topoae.generate.rambo`; the metric is ``diag(-1, -1, -1, +1)``.
"""

from __future__ import annotations

import awkward as ak
import numpy as np
import vector

vector.register_awkward()

METRIC = np.diag([-1.0, -1.0, -1.0, 1.0])


def boost_matrix(rapidity: float, direction: np.ndarray) -> np.ndarray:
    """The pure boost of ``rapidity`` along ``direction`` (any non-zero 3-vector)."""
    n = np.asarray(direction, dtype=float)
    n = n / np.linalg.norm(n)
    gamma, gamma_beta = np.cosh(rapidity), np.sinh(rapidity)
    matrix = np.eye(4)
    matrix[:3, :3] += (gamma - 1.0) * np.outer(n, n)
    matrix[:3, 3] = matrix[3, :3] = gamma_beta * n
    matrix[3, 3] = gamma
    return matrix


def rotation_matrix(axis: np.ndarray, angle: float) -> np.ndarray:
    """The rotation by ``angle`` about ``axis`` (right-handed), acting on the 3-momentum."""
    n = np.asarray(axis, dtype=float)
    n = n / np.linalg.norm(n)
    cross = np.array([[0.0, -n[2], n[1]], [n[2], 0.0, -n[0]], [-n[1], n[0], 0.0]])
    matrix = np.eye(4)
    matrix[:3, :3] += np.sin(angle) * cross + (1.0 - np.cos(angle)) * cross @ cross
    return matrix


def transform(momenta: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Apply a 4x4 ``matrix`` to momenta of shape ``(..., 4)``."""
    return momenta @ matrix.T


def to_rest_frame(p: ak.Array, total: ak.Array) -> ak.Array:
    """Boost regular (events x objects) Momentum4D ``p`` into the rest frame of each event's ``total``."""
    # Regular arrays broadcast right-aligned, as in numpy: give the totals an object axis.
    return p.boostCM_of_p4(total[:, np.newaxis])


def canonical_orientation(q: ak.Array) -> ak.Array:
    """Rotate each event so that object 0 points along +z and object 1 lies in the x-z plane, px > 0.

    ``q`` is regular, events x objects (at least two). The new axes are built
    per event (z along object 0, x along the part of object 1 orthogonal to
    it) and the components are projections on them: dot products, cheaper and
    no less exact than composing three rotations by angles. They fix the
    origin, so a rest frame stays a rest frame.
    """
    p3 = q.to_Vector3D()
    z = p3[:, 0].unit()
    second = p3[:, 1]
    x = (second - z * second.dot(z)).unit()
    y = z.cross(x)
    projections = {name: p3.dot(axis[:, np.newaxis]) for name, axis in (("px", x), ("py", y), ("pz", z))}
    return ak.zip({**projections, "E": q.E}, with_name="Momentum4D")
