"""Pythia 8 pp collisions: QCD dijet background and dijet-resonance signals, clustered into jets.

Events come from ``Pythia.nextBatch`` as awkward arrays (no loop over
particles in Python); jets are clustered with fastjet through
:mod:`topoae.jets`. pythia8mc and fastjet are imported lazily, so that the
config checks here work without them.

Signals:

- ``zprime``: Z' -> q qbar (d, u, s, c, b), with Pythia's SM-like couplings
  (and the width that follows from them);
- ``wprime_xy``: the LHC Olympics R&D signal, W' -> X Y with X -> q qbar'
  and Y -> q qbar, X (charged, so that the W' charge is carried) and Y new
  scalars of relative width :data:`NARROW_WIDTH`, as is the W'.

Each resonance's line shape is cut to ``mass * (1 -+ mass_window)``: without
the cut the parton luminosity turns a heavy resonance's low-mass Breit-Wigner
tail into a large share of the events (a fifth below half the mass for a
3.5 TeV Z' at 13 TeV), which is no bump at all.
"""

from __future__ import annotations

from collections.abc import Iterator

import awkward as ak
import numpy as np

from topoae import jets as jetlib

ZPRIME, WPRIME, X_ID, Y_ID = 32, 34, 9000001, 9000002
NEUTRINOS = (12, 14, 16)
NARROW_WIDTH = 0.01  # relative width of W', X and Y in the wprime_xy signal
SEED_MAX = 900_000_000  # Random:seed accepts 0 ... 900 000 000
# Output settings: progress lines and the changed settings go to the job's log,
# per-event listings (thousands of lines each) nowhere.
OUTPUT_SETTINGS = (
    "Next:numberCount = 1000",
    "Next:numberShowEvent = 0",
    "Next:numberShowProcess = 0",
    "Next:numberShowInfo = 0",
    "Next:numberShowLHA = 0",
)
MAX_EMPTY_BATCHES = 10


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def _num(value: float) -> str:
    """A number as Pythia reads it, exactly (repr of a float round-trips), also for numpy scalars."""
    return repr(float(value))


def common_settings(options: dict, seed: int) -> list[str]:
    """Beams, seed, output and the parton/hadron-level switches shared by every process."""
    return [
        f"Beams:eCM = {_num(options['sqrt_s'])}",
        "Random:setSeed = on",
        f"Random:seed = {seed}",
        f"PartonLevel:MPI = {_on(options['mpi'])}",
        f"HadronLevel:Hadronize = {_on(options['hadronisation'])}",
        *OUTPUT_SETTINGS,
    ]


def _line_shape(pid: int, mass: float, window: float | None) -> list[str]:
    settings = [f"{pid}:m0 = {_num(mass)}"]
    if window is not None:
        settings += [f"{pid}:mMin = {_num(mass * (1 - window))}", f"{pid}:mMax = {_num(mass * (1 + window))}"]
    return settings


def _new_scalar(pid: int, name: str, anti: str, charge_type: int, mass: float) -> str:
    # id:new = name antiName spinType chargeType colType m0 mWidth mMin mMax tau0
    return f"{pid}:new = {name} {anti} 1 {charge_type} 0 {_num(mass)} {_num(NARROW_WIDTH * mass)} 0.0 0.0 0.0"


def process_settings(process: str, options: dict) -> list[str]:
    """The hard process: ``qcd`` background, or the configured signal's ``process``."""
    signal = options["signal"]
    window = signal.get("mass_window")
    if process == "qcd":
        return ["HardQCD:all = on", f"PhaseSpace:pTHatMin = {_num(options['pt_hat_min'])}"]
    if process == "zprime":
        return [
            "NewGaugeBoson:ffbar2gmZZprime = on",
            "Zprime:gmZmode = 3",  # the Z' alone, no gamma*/Z interference
            *_line_shape(ZPRIME, signal["mass"], window),
            f"{ZPRIME}:onMode = off",
            f"{ZPRIME}:onIfAny = 1 2 3 4 5",
        ]
    if process == "wprime_xy":
        m_x, m_y = signal["x_mass"], signal["y_mass"]
        return [
            "NewGaugeBoson:ffbar2Wprime = on",
            *_line_shape(WPRIME, signal["mass"], window),
            f"{WPRIME}:mWidth = {_num(NARROW_WIDTH * signal['mass'])}",
            f"{WPRIME}:doForceWidth = on",
            f"{WPRIME}:onMode = off",
            # meMode 100: the partial widths follow the given branching ratios.
            f"{WPRIME}:addChannel = 1 1.0 100 {X_ID} {Y_ID}",
            _new_scalar(X_ID, "X+", "X-", 3, m_x),
            *_line_shape(X_ID, m_x, window),
            f"{X_ID}:addChannel = 1 0.5 100 2 -1",
            f"{X_ID}:addChannel = 1 0.5 100 4 -3",
            _new_scalar(Y_ID, "Y0", "void", 0, m_y),
            *_line_shape(Y_ID, m_y, window),
            *(f"{Y_ID}:addChannel = 1 0.2 100 {q} {-q}" for q in range(1, 6)),
        ]
    raise ValueError(f"unknown pythia process {process!r}")


def settings(process: str, options: dict, seed: int) -> list[str]:
    """Every Pythia setting of one run; the user's ``extra`` strings come last and win."""
    return [*common_settings(options, seed), *process_settings(process, options), *options.get("extra", [])]


def make_pythia(lines: list[str]):
    """An initialised ``pythia8mc.Pythia``; a setting it rejects is named in the error."""
    import pythia8mc

    pythia = pythia8mc.Pythia()
    for line in lines:
        if not pythia.readString(line):
            raise ValueError(f"Pythia rejected the setting {line!r}")
    if not pythia.init():
        listing = "\n  ".join(lines)
        raise RuntimeError(f"Pythia failed to initialise; its log names the reason. Settings:\n  {listing}")
    return pythia


def batches(pythia, n_events: int, batch_size: int) -> Iterator[ak.Array]:
    """``n_events`` events in awkward batches of at most ``batch_size``; failed events are replaced."""
    done, empty = 0, 0
    while done < n_events:
        batch = pythia.nextBatch(min(batch_size, n_events - done), errorMode="skip")
        empty = empty + 1 if len(batch) == 0 else 0
        if empty >= MAX_EMPTY_BATCHES:
            raise RuntimeError(f"Pythia produced no event in {empty} batches in a row; see its log")
        done += len(batch)
        yield batch


def final_state(events: ak.Array, neutrinos: bool = True) -> ak.Array:
    """Final-state particles (status > 0) of a ``nextBatch`` array as Momentum4D px, py, pz, E."""
    particles = events.prt
    keep = particles.status > 0
    if not neutrinos:
        abs_id = abs(particles.id)
        keep = keep & (abs_id != NEUTRINOS[0]) & (abs_id != NEUTRINOS[1]) & (abs_id != NEUTRINOS[2])
    p = particles.p[keep]
    return jetlib.momenta(p.px, p.py, p.pz, p.e)


def event_columns(events: ak.Array, jet_options: dict) -> dict[str, ak.Array | np.ndarray]:
    """Jets, their constituents, weight and dijet mass of one ``nextBatch`` array."""
    particles = final_state(events, neutrinos=jet_options["neutrinos"])
    jets, constituents = jetlib.cluster(
        particles, jet_options["R"], jet_options["algorithm"], jet_options["min_pt"], jet_options["n_jets"]
    )
    return {
        "jets": jets,
        "constituents": constituents,
        "weight": ak.to_numpy(events.info.weights[:, 0]).astype(np.float64),
        "mjj": jetlib.dijet_mass(jets),
    }


def concatenate(parts: list[dict]) -> dict[str, ak.Array | np.ndarray]:
    """Join column dictionaries of equal keys, row-wise."""
    joined = {}
    for key in parts[0]:
        values = [part[key] for part in parts]
        joined[key] = np.concatenate(values) if isinstance(values[0], np.ndarray) else ak.concatenate(values)
    return joined


def run(process: str, n_events: int, options: dict, seed: int) -> dict[str, ak.Array | np.ndarray]:
    """Generate and cluster ``n_events`` of one process; the run's cross-section fills sigma columns."""
    pythia = make_pythia(settings(process, options, seed))
    generated = batches(pythia, n_events, options["batch_size"])
    parts = [event_columns(batch, options["jets"]) for batch in generated]
    pythia.stat()  # the cross-section table and error statistics, into the job's log
    info = pythia.infoPython()
    columns = concatenate(parts)
    columns["sigma_mb"] = np.full(n_events, info.sigmaGen())
    columns["sigma_error_mb"] = np.full(n_events, info.sigmaErr())
    return columns


def with_defaults(options: dict) -> dict:
    """A copy of a ``pythia`` block, checked against its schema, with the schema's defaults filled in.

    The workflow has done this already; direct callers (tests, benchmarks)
    get the same defaults and the same errors naming the key.
    """
    from topoae.config import SCHEMA_DIR, ConfigError, validate_block

    options = validate_block(options, SCHEMA_DIR / "sources" / "pythia.schema.yaml", "pythia")
    problems = list(config_problems(options, "pythia"))
    if problems:
        raise ConfigError("invalid pythia options:\n  " + "\n  ".join(problems))
    return options


def pythia_events(
    rng: np.random.Generator, n_background: int, n_signal: int, **options
) -> dict[str, ak.Array | np.ndarray]:
    """QCD dijet background, then the configured signal, as event columns.

    Columns: ``jets`` and ``constituents`` (see :func:`topoae.jets.cluster`),
    ``weight`` (Pythia's), ``label`` (0 background, 1 signal),
    ``resonance_mass`` (configured signal mass; NaN for background), ``mjj``
    (mass of the two leading jets; NaN with fewer) and ``sigma_mb``,
    ``sigma_error_mb`` (``sigmaGen`` and its error in mb of the process the event
    belongs to, estimated from this chunk's run).
    """
    options = with_defaults(options)
    # Both seeds are drawn first so that each stream is independent of the other's event count.
    seeds = rng.integers(1, SEED_MAX, size=2)
    signal = options["signal"]
    runs = [("qcd", n_background, seeds[0], np.nan), (signal["process"], n_signal, seeds[1], signal["mass"])]
    parts = []
    for label, (process, n, seed, resonance_mass) in enumerate(runs):
        if n == 0:
            continue
        columns = run(process, n, options, int(seed))
        columns["label"] = np.full(n, label, dtype=np.int8)
        columns["resonance_mass"] = np.full(n, resonance_mass, dtype=np.float64)
        parts.append(columns)
    if not parts:
        raise ValueError("no events requested: n_background and n_signal are both 0")
    return concatenate(parts)


def config_problems(options: dict, where: str) -> Iterator[str]:
    """Values that pass the schema but admit no events or describe an inconsistent signal."""
    sqrt_s, signal = options["sqrt_s"], options["signal"]
    pt_hat_min = options["pt_hat_min"]
    if 2 * pt_hat_min >= sqrt_s:
        yield (
            f"config key '{where}.pt_hat_min' = {pt_hat_min:g}: twice it is {2 * pt_hat_min:g} GeV, "
            f"not below sqrt_s={sqrt_s:g}"
        )
    mass = signal["mass"]
    if mass >= sqrt_s:
        yield f"config key '{where}.signal.mass' = {mass:g}: not below sqrt_s={sqrt_s:g}"
    if signal["process"] == "wprime_xy":
        m_x, m_y = signal["x_mass"], signal["y_mass"]
        if m_x + m_y >= mass:
            yield (
                f"config key '{where}.signal.x_mass' = {m_x:g}: x_mass + y_mass = {m_x + m_y:g} GeV, "
                f"not below the W' mass {mass:g}"
            )
    else:
        for key in ("x_mass", "y_mass"):
            if key in signal:
                yield (
                    f"config key '{where}.signal.{key}' = {signal[key]:g}: only used by process "
                    f"'wprime_xy', not '{signal['process']}'"
                )
