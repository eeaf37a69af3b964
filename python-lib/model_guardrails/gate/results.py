"""A qualification rule's result row: PASS / WARN / FAIL / NOT APPLICABLE with the value found, the
bound it was judged against, the source it was read from and the policy level it ran at."""
from dataclasses import dataclass

from .policy import REQUIRED

PASS, WARN, FAIL, NOT_APPLICABLE = "PASS", "WARN", "FAIL", "NOT APPLICABLE"


@dataclass(frozen=True)
class RuleResult:
    rule: str
    status: str
    value: str = ""
    bound: str = ""
    source: str = ""
    level: str = REQUIRED
    subject: str = ""

    @property
    def name(self):
        return "{} ({})".format(self.rule, self.subject) if self.subject else self.rule

    @property
    def blocks(self):
        return self.status == FAIL

    def describe(self):
        text = "{} {}: {}".format(self.name, self.status, self.value or "-")
        return text + (" (bound: {})".format(self.bound) if self.bound else "")

    def as_dict(self):
        return {"rule": self.rule, "subject": self.subject, "status": self.status, "level": self.level,
                "value": self.value, "bound": self.bound, "source": self.source}
