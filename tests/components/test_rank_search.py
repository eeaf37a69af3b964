"""The streamed reference's exact PSI edges: the same as in memory, in at most two reads of the
reference for the search (more only when values crowd into one key bucket)."""
import numpy as np
import pandas as pd
import pytest

from model_guardrails.drift import DriftParams
from model_guardrails.drift.engines import rank_search
from model_guardrails.drift.engines.chunks import profile_from_chunks
from model_guardrails.drift.engines.memory import profile_from_frame
from model_guardrails.drift.profile import grid_index, make_grid


def columns(n, seed):
    rng = np.random.default_rng(seed)
    tiny = rng.normal(0, 1, n) * 1e-310                      # subnormals on both sides of zero
    tiny[::7] = 0.0
    tiny[::11] = -0.0
    return pd.DataFrame({
        "normal": rng.normal(0, 1, n),
        "lognormal": rng.lognormal(0, 2, n),
        "ties": rng.integers(-3, 4, n).astype(float),          # few distinct values, zero among them
        "zero_inflated": np.where(rng.random(n) < 0.8, 0.0, rng.normal(5, 1, n)),
        "crowded": 1.7e9 + rng.random(n) * 1e3,                # timestamps: one key bucket holds them all
        "tiny": tiny,
        "constant": np.full(n, 2.5),
        "with_inf": np.where(rng.random(n) < 0.1, np.inf, rng.normal(0, 1, n)),
    })


class CountingReader:
    def __init__(self, frame, size):
        self.frame, self.size, self.reads = frame, size, 0

    def __call__(self):
        self.reads += 1
        return iter([self.frame.iloc[i:i + self.size] for i in range(0, len(self.frame), self.size)])


def assert_streamed_profile_is_exact(frame, reader):
    params = DriftParams()
    streamed = profile_from_chunks(reader, list(frame.columns), params, "0.1.0")
    exact = profile_from_frame(frame, list(frame.columns), params, "0.1.0")
    for name in frame.columns:
        assert streamed.features[name].edges.tobytes() == exact.features[name].edges.tobytes(), name
        assert (streamed.features[name].numeric.counts == exact.features[name].numeric.counts).all(), name


@pytest.mark.parametrize("collect", [None, 500])
def test_streamed_edges_equal_in_memory_edges(collect, monkeypatch):
    frame = columns(20_000, 3)
    if collect:
        monkeypatch.setattr(rank_search, "SELECT_COLLECT", collect)  # the narrowing passes too
    reader = CountingReader(frame, 3000)
    assert_streamed_profile_is_exact(frame, reader)
    if collect is None:
        assert reader.reads == 2  # typing, counts and the edges (RankWindows); the grid


def test_ranks_outside_the_first_chunks_windows_are_searched():
    frame = columns(20_000, 3)
    frame["sorted"] = np.sort(frame["normal"].to_numpy())    # the first chunk's quantiles say nothing of the rest
    frame["drifting"] = frame["normal"] + np.linspace(0, 3, len(frame))
    reader = CountingReader(frame, 3000)
    assert_streamed_profile_is_exact(frame, reader)
    assert reader.reads == 3  # the ranks of "sorted" and "drifting" need the search read


def test_rank_windows_pick_the_ranks_they_hold():
    rng = np.random.default_rng(6)
    x = np.concatenate([rng.normal(0, 1, 5000), [np.nan, np.inf, -0.0], rng.integers(-2, 3, 5000).astype(float)])
    windows = rank_search.RankWindows([0.25, 0.5, 0.75])
    for i in range(0, len(x), 1000):
        windows.add("x", x[i:i + 1000])
    ordered = np.sort(x[np.isfinite(x)] + 0.0)
    picked = windows.pick("x", list(range(len(ordered))))
    assert len(picked) > 100
    assert all(value == ordered[rank] for rank, value in picked.items())
    assert windows.pick("other", [0]) == {}


@pytest.mark.parametrize("bits", [20, 12])
def test_two_search_reads_unless_crowded(bits):
    frame = columns(20_000, 4).drop(columns=["crowded"])
    wanted, keys = {}, {}
    for name in frame.columns:
        x = frame[name].to_numpy()
        finite = x[np.isfinite(x)]
        keys[name] = rank_search.KeyCounts(bits)
        keys[name].add(x)
        wanted[name] = ([0, len(finite) // 3, len(finite) - 1], finite.min(), finite.max())
    reader = CountingReader(frame, 3000)
    found, passes = rank_search.order_statistics(reader, wanted, keys)
    assert passes == reader.reads == 1  # plus the pass that made the key counts
    for name in frame.columns:
        x = frame[name].to_numpy()
        ordered = np.sort(x[np.isfinite(x)])
        for rank in wanted[name][0]:
            assert found[(name, rank)] == ordered[rank]


def test_grid_index_is_searchsorted():
    rng = np.random.default_rng(5)
    frame = columns(5000, 6)
    for name in frame.columns:
        x = frame[name].to_numpy()
        x = x[np.isfinite(x)]
        edges = np.unique(np.quantile(x, np.linspace(0, 1, 11)[1:-1]))
        for grid in (make_grid(edges, x.min(), x.max()), np.sort(rng.choice(x, 50))):
            values = np.concatenate([x, grid, rng.normal(0, 1e3, 100)])
            assert (grid_index(grid, values) == np.searchsorted(grid, values, side="left")).all(), name


def test_key_counts_stay_within_their_budget():
    assert rank_search.key_bits(20) == 20
    for n in (33, 1000, 10 ** 6):
        bits = rank_search.key_bits(n)
        assert 12 <= bits < 20 and (n * 8 << bits <= rank_search.KEY_COUNTS_BUDGET or bits == 12)
