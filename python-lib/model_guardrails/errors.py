"""Errors whose messages a DSS user can act on: they name the field or column, the value
received and what was expected."""


class GuardrailsError(ValueError):
    """Base class of every error the plugin raises on purpose."""


class ConfigError(GuardrailsError):
    """A recipe, check or macro parameter is invalid."""

    def __init__(self, field, received, expected):
        self.field = field
        self.received = received
        self.expected = expected
        super().__init__(
            "Parameter '{}': expected {}, got {!r}.".format(field, expected, received)
        )


class InputError(GuardrailsError):
    """An input dataset cannot be used (empty, missing columns, wrong contents)."""
