"""Which drift engine runs, decided from what the glue found (no I/O here).

Exact in memory when both datasets fit (``max_rows_in_memory``, engines.EngineSettings) and no
reference profile is involved; otherwise the reference is summarised into a profile (or a saved one
is used) and the current data are streamed (chunks) or aggregated (Spark); docs/scale.md. The
``evidently`` convention needs both datasets in memory: any other plan refuses it here.
"""
from dataclasses import dataclass
from typing import Optional

from ..engines import CHUNKS, MEMORY, SPARK
from ..errors import ConfigError

FRAME = "frame"  # a profile built from the reference read whole (engines.memory.profile_from_frame)


@dataclass(frozen=True)
class DriftPlan:
    """``exact``: the table comes from engines.memory.compute_drift on both DataFrames;
    ``build_profile``: how the reference profile is built (FRAME, CHUNKS or SPARK), None when no
    profile is built (a saved one is used, or none is needed); ``save_profile``: write it to the
    profile folder; ``current``: the engine that reads the current side (CHUNKS or SPARK) when the
    table is not exact."""
    exact: bool
    build_profile: Optional[str] = None
    save_profile: bool = False
    current: Optional[str] = None


def plan_drift(engine, convention, profile_loaded, profile_folder, reference_rows, current_rows):
    """The DriftPlan. ``engine``: the EngineSettings; ``profile_loaded``: a saved reference profile is
    used; ``profile_folder``: a profile folder is given; ``reference_rows`` / ``current_rows``:
    zero-argument callables giving a dataset's row count, or None when it has more rows than
    max_rows_in_memory (called only when the plan depends on them: on Spark a count is a job).
    Raises the ConfigError of the ``evidently`` convention when the plan is not exact."""
    def fits(rows):  # not counted when even an empty dataset would not be read in memory
        return engine.engine_for(0) == MEMORY and engine.engine_for(rows()) == MEMORY

    # on Spark a profile folder means a profile built by Spark: the reference is not counted
    reference_fits = not profile_loaded and not (engine.spark and profile_folder) and fits(reference_rows)
    both_fit = reference_fits and fits(current_rows)
    if both_fit and not profile_folder:
        return DriftPlan(exact=True)
    if convention == "evidently":
        _refuse_evidently(engine, profile_loaded, both_fit)
    if profile_loaded:
        build = None
    else:
        build = SPARK if engine.spark else FRAME if reference_fits else CHUNKS
    return DriftPlan(exact=both_fit, build_profile=build, save_profile=bool(profile_folder) and build is not None,
                     current=SPARK if engine.spark else CHUNKS)


def _refuse_evidently(engine, profile_loaded, both_fit):
    if engine.spark:
        raise ConfigError("convention", "evidently", "'default' on Spark aggregations (the 'evidently' "
                          "convention needs both datasets in memory: raise max_rows_in_memory above their row counts)")
    if not both_fit:
        raise ConfigError("max_rows_in_memory", engine.max_rows_in_memory,
                          "at least the row count of both datasets with convention 'evidently' (Evidently bins "
                          "over the pooled reference and current values, which needs them in memory)"
                          if not profile_loaded else "convention 'default' with a saved reference profile (the "
                          "'evidently' convention needs the reference data)")
