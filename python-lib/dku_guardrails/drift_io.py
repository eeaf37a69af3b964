"""compute-drift I/O: choose the in-memory or the streaming engine, read only the columns
compared, and load/save the reference profile in the optional managed folder."""
import logging
import threading

from dku_guardrails.recipe_io import FLOAT_PRECISION
from model_guardrails import __version__
from model_guardrails.drift import compute_drift
from model_guardrails.drift import streaming
from model_guardrails.drift.engine import compute_drift_streaming
from model_guardrails.drift.prepare import select_columns
from model_guardrails.errors import ConfigError, InputError
from model_guardrails.params import get_choice, get_int

log = logging.getLogger("model_guardrails.drift_io")  # one namespace: model_guardrails

PROFILE_FILE = "drift-reference-profile.json"
PROFILE_MODES = ("reuse", "rebuild")


class EngineSettings:
    def __init__(self, config):
        self.max_rows_in_memory = get_int(config, "max_rows_in_memory", 2_000_000, minimum=0)
        self.chunk_size = get_int(config, "chunk_size", 200_000, minimum=1000)
        self.profile_mode = get_choice(config, "profile_mode", "reuse", PROFILE_MODES)


def warm_imports():
    """Import scipy.stats on a background thread while the data are read (it takes ~1 s)."""
    def load():
        try:
            import scipy.stats  # noqa: F401
        except ImportError:  # pragma: no cover
            pass
    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    return thread


def _names(dataset):
    return [c["name"] for c in dataset.read_schema()]


class ChunkedInput:
    """A dataset read whole when it has at most ``limit`` rows (``frame``: the exact in-memory
    path), else streamed: ``frame`` is None and each ``chunks()`` call is a fresh pass of chunks."""

    def __init__(self, dataset, columns, settings):
        self.dataset, self.columns, self.settings = dataset, columns, settings
        limit = settings.max_rows_in_memory
        frame = dataset.get_dataframe(columns=columns, limit=limit + 1, float_precision=FLOAT_PRECISION)
        if len(frame) <= limit:
            self.frame = frame
            log.info("Read %d rows x %d columns from %s", len(frame), frame.shape[1], dataset.name)
        else:
            self.frame = None
            log.info("%s has more than %d rows (max_rows_in_memory): streaming it in chunks of %d rows",
                     dataset.name, limit, settings.chunk_size)

    def chunks(self):
        if self.frame is not None:
            yield self.frame
            return
        for chunk in self.dataset.iter_dataframes(chunksize=self.settings.chunk_size, columns=self.columns,
                                                  float_precision=FLOAT_PRECISION):
            yield chunk


def _load_profile(folder, settings, params):
    if folder is None or settings.profile_mode == "rebuild":
        return None
    if PROFILE_FILE.lstrip("/") not in [p.lstrip("/") for p in folder.list_paths_in_partition()]:
        log.info("No saved reference profile in %s: building it from the reference", folder.get_name())
        return None
    with folder.get_download_stream(PROFILE_FILE) as stream:
        text = stream.read().decode("utf-8")
    profile = streaming.ReferenceProfile.from_json(
        text, __version__, streaming.profile_settings(params),
        where="The reference profile {} in folder {}".format(PROFILE_FILE, folder.get_name()))
    log.info("Using the saved reference profile (%d reference rows) from %s", profile.n_rows, folder.get_name())
    return profile


def _plan(settings, params, reference_dataset, current_dataset, profile_folder):
    """The saved profile (or None), both sides' columns and the columns to compare (checked
    against the profile)."""
    current_columns = _names(current_dataset)
    profile = _load_profile(profile_folder, settings, params)
    reference_columns = profile.columns if profile else _names(reference_dataset)
    names, one_sided = select_columns(reference_columns, current_columns, params)
    if one_sided:
        log.info("Columns present on one side only, not compared: %s", ", ".join(one_sided))
    note = params.exclusion_note(reference_columns, current_columns)
    if note:
        log.warning(note)
    if profile:
        profile.check_features([n for n in names if n in reference_columns and n in current_columns])
    return profile, reference_columns, current_columns, names


def compute(params, config, reference_dataset, current_dataset, profile_folder, run, distributions=None):
    """The drift metrics table, by the engine the data sizes call for. ``distributions``: a list
    that receives each feature's binned counts, for the report."""
    settings = EngineSettings(config)
    warm_imports()
    profile, reference_columns, current_columns, names = _plan(settings, params, reference_dataset, current_dataset,
                                                               profile_folder)
    current = ChunkedInput(current_dataset, [n for n in names if n in current_columns], settings)
    reference = None
    if profile is None:
        reference = ChunkedInput(reference_dataset, [n for n in names if n in reference_columns], settings)
    both_fit = reference is not None and reference.frame is not None and current.frame is not None
    if both_fit and profile_folder is None:
        return compute_drift(reference.frame, current.frame, params, run, distributions)  # exact, in memory
    if params.convention == "evidently" and not both_fit:
        raise ConfigError("max_rows_in_memory", settings.max_rows_in_memory,
                          "at least the row count of both datasets with convention 'evidently' (Evidently bins "
                          "over the pooled reference and current values, which needs them in memory)" if profile is None
                          else "convention 'default' with a saved reference profile (the 'evidently' convention "
                          "needs the reference data)")
    if profile is None:
        present = [n for n in names if n in reference_columns]
        if reference.frame is not None:
            if len(reference.frame) == 0:
                raise InputError("The reference dataset is empty: drift needs rows on both sides.")
            profile = streaming.profile_from_frame(reference.frame, present, params, __version__)
        else:
            profile = streaming.profile_from_chunks(reference.chunks, present, params, __version__)
        profile.columns = list(reference_columns)
        if profile_folder is not None:
            profile_folder.upload_data(PROFILE_FILE, profile.to_json().encode("utf-8"))
            log.info("Saved the reference profile to %s/%s", profile_folder.get_name(), PROFILE_FILE)
    if both_fit:  # the profile is saved for later runs; this one is computed exactly
        return compute_drift(reference.frame, current.frame, params, run, distributions)
    side = streaming.stream_current(profile, names, current.chunks())
    if not side.columns:
        side.columns = [n for n in current_columns]
    return compute_drift_streaming(profile, side, names, params, run, distributions)


def compute_spark(spark, params, config, reference_dataset, current_dataset, profile_folder, run):
    """The drift table on Spark: exact in memory (collected to pandas) up to max_rows_in_memory rows,
    else from Spark aggregations."""
    from dku_guardrails.spark_io import dataframe
    from model_guardrails.drift import spark as spark_drift

    settings = EngineSettings(dict({"max_rows_in_memory": 0}, **config))
    warm_imports()
    profile, reference_columns, current_columns, names = _plan(settings, params, reference_dataset, current_dataset,
                                                               profile_folder)
    current = dataframe(spark, current_dataset, [n for n in names if n in current_columns])
    reference = None if profile else dataframe(spark, reference_dataset, [n for n in names if n in reference_columns])
    limit = settings.max_rows_in_memory
    if limit and profile is None and profile_folder is None and reference.count() <= limit and current.count() <= limit:
        log.info("Both datasets have at most %d rows: collected to the driver, exact in-memory engine", limit)
        return compute_drift(reference.toPandas(), current.toPandas(), params, run)
    if params.convention == "evidently":
        raise ConfigError("convention", params.convention, "'default' on Spark aggregations (the 'evidently' "
                          "convention needs both datasets in memory: raise max_rows_in_memory above their row counts)")
    if profile is None:
        profile = spark_drift.profile_from_spark(reference, names, params, __version__)
        profile.columns = list(reference_columns)
        if profile.n_rows == 0:
            raise InputError("The reference dataset is empty: drift needs rows on both sides.")
        if profile_folder is not None:
            profile_folder.upload_data(PROFILE_FILE, profile.to_json().encode("utf-8"))
    side = spark_drift.current_from_spark(current, profile, names)
    return compute_drift_streaming(profile, side, names, params, run)
