"""The side-by-side sync table: the ratio says how many times faster Casebook is, for rates and
for times alike, and without the peer Casebook's rows still print, marked "not run"."""

from __future__ import annotations

from bench.peer import PeerFigures
from bench.sync import ROWS, CasebookRuns, side_by_side


def _ours() -> CasebookRuns:
    # Casebook: 1,000 records pulled and pushed in 0.5 s (2,000 rec/s), each other sync 10 ms.
    seconds = {row: [0.5 if row in ("pull", "push") else 0.010] for row in ROWS}
    return CasebookRuns(1000, seconds, {row: [1] for row in ROWS})


def test_ratio_is_how_many_times_faster_casebook_is() -> None:
    peer = PeerFigures(
        size=1000,
        latency_ms=50,
        seconds={row: (1.0, 2.0, 3.0) if row in ("pull", "push") else (0.005,) for row in ROWS},
        requests={row: 8 for row in ROWS},
        versions="pouchdb 9",
    )
    rows = {r[0]: r for r in side_by_side(1000, "50 ms", _ours(), peer)}
    pull = rows["first pull, 1,000"]
    assert pull[2:5] == ("2,000 rec/s", "500 rec/s", "4.00x")  # the peer's median run: 2 s
    noop = rows["no-op sync, 1,000"]
    assert noop[2:5] == ("10.0 ms", "5.0 ms", "0.50x")  # slower than the peer: under 1
    assert noop[5:] == ("1", "8")


def test_without_the_peer_casebooks_rows_still_print() -> None:
    rows = side_by_side(1000, "loopback", _ours(), None)
    assert len(rows) == len(ROWS)
    assert all(row[3] == "not run" and row[4] == "" for row in rows)
    assert rows[0][2] == "2,000 rec/s"
