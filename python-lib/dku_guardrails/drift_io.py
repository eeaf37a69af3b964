"""compute-drift I/O: read the schemas, read or stream only the columns compared, load and save the
reference profile in the optional managed folder; the core plans the engine (drift.plan) and computes."""
import logging

from dku_guardrails.recipe_io import DatasetSource
from model_guardrails import __version__
from model_guardrails.drift import compute_drift
from model_guardrails.drift.engines import chunks, memory
from model_guardrails.drift.engines.memory import warm_imports
from model_guardrails.drift.finish import compute_drift_from_profile
from model_guardrails.drift.plan import FRAME, plan_drift
from model_guardrails.drift.prepare import select_columns
from model_guardrails.drift.profile import ReferenceProfile, profile_settings

log = logging.getLogger("model_guardrails.drift_io")  # one namespace: model_guardrails

PROFILE_FILE = "drift-reference-profile.json"


def _names(dataset):
    return [c["name"] for c in dataset.read_schema()]


def _load_profile(folder, params):
    if folder is None or params.profile_mode == "rebuild":
        return None
    if PROFILE_FILE.lstrip("/") not in [p.lstrip("/") for p in folder.list_paths_in_partition()]:
        log.info("No saved reference profile in %s: building it from the reference", folder.get_name())
        return None
    with folder.get_download_stream(PROFILE_FILE) as stream:
        text = stream.read().decode("utf-8")
    profile = ReferenceProfile.from_json(
        text, __version__, profile_settings(params),
        where="The reference profile {} in folder {}".format(PROFILE_FILE, folder.get_name()))
    log.info("Using the saved reference profile (%d reference rows) from %s", profile.n_rows, folder.get_name())
    return profile


def _save_profile(folder, profile):
    folder.upload_data(PROFILE_FILE, profile.to_json().encode("utf-8"))


def _columns(params, reference_dataset, current_dataset, profile_folder):
    """The saved profile (or None), both sides' columns and the columns to compare (checked
    against the profile)."""
    current_columns = _names(current_dataset)
    profile = _load_profile(profile_folder, params)
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


def compute(params, reference_dataset, current_dataset, profile_folder, run):
    """The DriftResult (metrics table and the report's distributions), by the engine drift.plan chooses."""
    warm_imports()
    profile, reference_columns, current_columns, names = _columns(params, reference_dataset, current_dataset,
                                                                  profile_folder)
    current = DatasetSource(current_dataset, [n for n in names if n in current_columns], params.engine)
    reference = None
    if profile is None:
        reference = DatasetSource(reference_dataset, [n for n in names if n in reference_columns], params.engine)
    plan = plan_drift(params.engine, params.convention, profile is not None, profile_folder is not None,
                      lambda: reference.n_rows, lambda: current.n_rows)
    if plan.exact and not plan.build_profile:
        return compute_drift(reference.frame(), current.frame(), params, run)  # exact, in memory
    if plan.build_profile:
        present = [n for n in names if n in reference_columns]
        if plan.build_profile == FRAME:
            profile = memory.profile_from_frame(reference.frame(), present, params, __version__)
        else:
            profile = chunks.profile_from_chunks(reference.chunks, present, params, __version__,
                                                 read_columns=reference.chunks)
        profile.columns = list(reference_columns)
        if plan.save_profile:
            _save_profile(profile_folder, profile)
            log.info("Saved the reference profile to %s/%s", profile_folder.get_name(), PROFILE_FILE)
    if plan.exact:  # the profile is saved for later runs; this one is computed exactly
        return compute_drift(reference.frame(), current.frame(), params, run)
    side = chunks.stream_current(profile, names, current.chunks())
    if not side.columns:
        side.columns = [n for n in current_columns]
    return compute_drift_from_profile(profile, side, names, params, run)


def compute_spark(spark, params, reference_dataset, current_dataset, profile_folder, run):
    """The DriftResult on Spark: exact in memory (collected to pandas) up to max_rows_in_memory rows,
    else from Spark aggregations."""
    from dku_guardrails.spark_io import dataframe
    from model_guardrails.drift.engines.spark import current_from_spark, profile_from_spark

    warm_imports()
    profile, reference_columns, current_columns, names = _columns(params, reference_dataset, current_dataset,
                                                                  profile_folder)
    current = dataframe(spark, current_dataset, [n for n in names if n in current_columns])
    reference = None if profile else dataframe(spark, reference_dataset, [n for n in names if n in reference_columns])
    plan = plan_drift(params.engine, params.convention, profile is not None, profile_folder is not None,
                      reference.count if reference is not None else None, current.count)
    if plan.exact:
        log.info("Both datasets have at most %d rows: collected to the driver, exact in-memory engine",
                 params.engine.max_rows_in_memory)
        return compute_drift(reference.toPandas(), current.toPandas(), params, run)
    if plan.build_profile:
        profile = profile_from_spark(reference, names, params, __version__)
        profile.columns = list(reference_columns)
        if plan.save_profile:
            _save_profile(profile_folder, profile)
    side = current_from_spark(current, profile, names)
    return compute_drift_from_profile(profile, side, names, params, run)
