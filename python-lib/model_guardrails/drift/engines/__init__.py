"""The drift engines and what each supplies.

``memory`` computes everything exactly from two DataFrames. ``chunks`` (pandas chunks) and ``spark``
(Spark aggregations) build the sufficient statistics of :mod:`..profile`: a
:class:`..profile.ReferenceProfile` for the reference and a :class:`CurrentSide` for the current
data, which :mod:`..finish` turns into the table. Which engine runs is decided by :mod:`..plan`.
"""
from typing import Dict, List, Protocol, Union

from ..profile import CategoricalStats, NumericStats


class CurrentSide(Protocol):
    """The current data as an engine summarises it: its row count, its columns, per compared
    feature its statistics on the reference's grid (features whose values do not fit the
    reference's type have none, and an entry in ``errors`` instead)."""
    rows: int
    columns: List[str]
    stats: Dict[str, Union[NumericStats, CategoricalStats]]
    errors: Dict[str, str]
