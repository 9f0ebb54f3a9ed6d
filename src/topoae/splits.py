"""Reproducible random streams and the train/test split shared by every event source."""

from __future__ import annotations

import zlib

import numpy as np

TRAIN, TEST = 0, 1


def chunk_rng(seed: int, dataset: str, chunk: int) -> np.random.Generator:
    """Independent, reproducible stream for one chunk (or ingest step) of a dataset.

    The dataset's name enters the key so that two datasets of one study never
    share a stream.
    """
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(zlib.crc32(dataset.encode()), chunk))
    )


def assign_split(rng: np.random.Generator, n: int, test_fraction: float) -> np.ndarray:
    """TEST for a share ``test_fraction`` of n events, TRAIN for the rest, at random."""
    return np.where(rng.random(n) < test_fraction, TEST, TRAIN).astype(np.int8)
