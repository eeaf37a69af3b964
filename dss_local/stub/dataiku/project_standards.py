"""Local ``dataiku.project_standards`` (DSS 14.2+): the base class of a Project Standards check
spec and its run result (developer guide, "Creating a Project Standards Check component"; result
fields as read by dataikuapi's DSSProjectStandardsCheckRunResult)."""


class ProjectStandardsCheckRunResult(object):
    def __init__(self, status, severity=None, message="", details=None):
        self.status = status
        self.severity = severity
        self.message = message
        self.details = details or {}

    @classmethod
    def success(cls, message="", details=None):
        return cls("RUN_SUCCESS", 0, message, details)

    @classmethod
    def failure(cls, severity, message="", details=None):
        severity = int(severity)
        if not 1 <= severity <= 5:
            raise ValueError("severity must be between 1 (lowest) and 5 (critical), got {}".format(severity))
        return cls("RUN_SUCCESS", severity, message, details)

    @classmethod
    def not_applicable(cls, message="", details=None):
        return cls("NOT_APPLICABLE", None, message, details)

    @classmethod
    def error(cls, message="", details=None):
        return cls("RUN_ERROR", None, message, details)

    def to_json(self):
        return {"status": self.status, "severity": self.severity, "message": self.message, "details": self.details}

    def __repr__(self):
        return "<CheckRunResult status={} severity={}>".format(self.status, self.severity)


class ProjectStandardsCheckSpec(object):
    """Subclass it and implement ``run()``; ``self.config``, ``self.plugin_config`` and
    ``self.project`` (a dataikuapi DSSProject) are set by DSS."""

    def __init__(self, config=None, plugin_config=None, project=None):
        self.config = config or {}
        self.plugin_config = plugin_config or {}
        self.project = project

    def run(self):
        raise NotImplementedError
