"""Atomic output: a final name never holds a partial file."""

from __future__ import annotations

import pytest

from topoae.io import atomic_path, read_json, write_json


def test_failed_write_leaves_neither_file_nor_temporary(tmp_path):
    target = tmp_path / "out" / "metrics.json"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed mid-write")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_previous_output_survives_a_failed_rewrite(tmp_path):
    target = tmp_path / "metrics.json"
    write_json({"auc": 0.9}, target)
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("{")
        raise RuntimeError
    assert read_json(target) == {"auc": 0.9}


def test_leftovers_of_a_killed_writer_are_removed_by_the_next(tmp_path):
    target = tmp_path / "model.pt"
    (tmp_path / ".model.pt.abc123.tmp").write_text("partial")
    (tmp_path / ".other.pt.abc123.tmp").write_text("someone else's")
    write_json({"ok": True}, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.pt.abc123.tmp", "model.pt"]
