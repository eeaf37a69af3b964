"""The time windows of evaluate-model: the time column read as UTC timestamps (dates, or epoch
numbers when ``time_unit`` says which unit), each row's window label at the chosen granularity,
and the errors and notes on unusable times, shared by the engines."""
import logging

import numpy as np
import pandas as pd

from ..contract import ALL_WINDOWS
from ..errors import InputError

log = logging.getLogger(__name__)

GRANULARITIES = {"day": "D", "week": "W", "month": "M"}
TIME_UNITS = {"dates": None, "epoch_seconds": "s", "epoch_milliseconds": "ms"}  # time_unit -> pandas unit
DATE_FORMS = ("dates or timestamps (a DSS date column, or text such as 2024-05-01 or 2024-05-01T13:45:00Z); "
              "numbers only with time_unit epoch_seconds or epoch_milliseconds")


def times(series, params):
    """The time column as UTC timestamps (NaT where missing or unparseable). Numbers are epoch times
    only when time_unit says which: read as dates, 1700000000 would be 1.7 s after 1970-01-01."""
    unit = TIME_UNITS[params.time_unit]
    stored_numbers = pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
    if unit is None:
        if stored_numbers and series.notna().any():
            raise InputError("Time column '{}' holds numbers (e.g. {!r}), not dates. Accepted: {}. If these are epoch "
                             "times, set time_unit to the unit they count since 1970-01-01 UTC.".format(
                                 params.time_column, series[series.notna()].iloc[:1].tolist()[0], DATE_FORMS))
        return pd.to_datetime(series, errors="coerce", utc=True)
    if pd.api.types.is_datetime64_any_dtype(series) and series.notna().any():
        raise InputError("Time column '{}' holds dates (e.g. {!r}) but time_unit is {}: set time_unit to dates.".format(
            params.time_column, str(series[series.notna()].iloc[0]), params.time_unit))
    numbers = series if stored_numbers else pd.to_numeric(series, errors="coerce")
    return pd.to_datetime(numbers.astype("float64"), unit=unit, errors="coerce", utc=True)


def window_labels(series, params):
    """Window label per row (NaN where the time is missing or unparseable) and the unparseable rows."""
    stamps = times(series, params)
    bad = stamps.isna() & series.notna()
    naive = stamps.dt.tz_convert(None)
    if params.time_granularity == "day":
        start, form = naive.dt.normalize(), "%Y-%m-%d"
    elif params.time_granularity == "week":
        start, form = naive.dt.normalize() - pd.to_timedelta(naive.dt.dayofweek, unit="D"), "%Y-%m-%d"
    else:
        start, form = naive.dt.normalize() - pd.to_timedelta(naive.dt.day - 1, unit="D"), "%Y-%m"
    codes, uniques = pd.factorize(start)  # format each window once, not each row
    text = np.append(np.asarray(pd.DatetimeIndex(uniques).strftime(form), dtype=object), np.nan)
    return pd.Series(text[codes], index=series.index, dtype=object), bad


def require_parseable(n_rows, n_bad, example, params):
    """Raise when none of the ``n_rows`` non-missing times could be read (``n_bad`` unparseable, of
    which ``example``); a column of missing times only is no error (those rows are in __all__ only)."""
    if n_rows and n_bad == n_rows:
        raise _no_parseable_time(params, example)


def _no_parseable_time(params, example):
    dates = TIME_UNITS[params.time_unit] is None
    return InputError("Time column '{}' has no parseable {} (e.g. {!r}). Accepted: {}.".format(
        params.time_column, "date" if dates else "number", example,
        DATE_FORMS if dates else "numbers (time_unit is {})".format(params.time_unit)))


def missing_time_note(missing, params):
    """The note (also logged) on the rows counted in __all__ only."""
    note = "{} rows without a usable '{}' are in {} only".format(missing, params.time_column, ALL_WINDOWS)
    log.warning(note)
    return note


def windows(series, params):
    """Window code per row (−1 when the time is missing) and the window labels, in time order."""
    labels, bad = window_labels(series, params)
    require_parseable(len(series), int(bad.sum()), series[bad].iloc[0] if bad.any() else None, params)
    codes, uniques = pd.factorize(labels, sort=True)
    missing = int((codes == -1).sum())
    note = missing_time_note(missing, params) if missing else ""
    return codes.astype("int64"), [str(u) for u in uniques], note
