"""Epoch-millisecond timestamps as DSS reports them (``trainDate``, ``startTimestamp``, ...): the one
plausibility bound every judgement on such a date uses."""

# epoch milliseconds between 1973 and 2286; outside, the value is not in the unit assumed (e.g. epoch
# seconds read as milliseconds would be January 1970), so nothing may be concluded from it
PLAUSIBLE_MS = (1e11, 1e13)


def is_plausible_ms(value):
    """True when ``value`` is a number within PLAUSIBLE_MS."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        PLAUSIBLE_MS[0] <= value <= PLAUSIBLE_MS[1]
