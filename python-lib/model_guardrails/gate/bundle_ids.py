"""Bundle ids from the ``bundle_id_template`` parameter, validated before they go into a URL."""
import re
from datetime import datetime, timezone

from .. import ids
from ..errors import ConfigError
from .codes import APPROVED

PLACEHOLDERS = ("project_key", "project_slug", "version", "date", "status")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check_template(template, version):
    """The template may only use the known placeholders; {version} needs a version."""
    if not template:
        raise ConfigError("bundle_id_template", template, "a template such as '{project_key}-v{version}-approved-{date}'")
    for name in _PLACEHOLDER.findall(template):
        if name not in PLACEHOLDERS:
            raise ConfigError("bundle_id_template", template, "only the placeholders " + ", ".join(
                "{" + n + "}" for n in PLACEHOLDERS) + " (found {" + name + "})")
    if "{version}" in template and not version:
        raise ConfigError("version", version, "a version such as '1.0' (the bundle id template uses {version})")
    if re.search(r"[{}]", _PLACEHOLDER.sub("", template)):
        raise ConfigError("bundle_id_template", template, "balanced braces around placeholder names")


def render_bundle_id(template, project_key, version="", status=APPROVED, now=None):
    """Fill the template and validate the result as a bundle id (ConfigError naming the template)."""
    check_template(template, version)
    now = now or datetime.now(timezone.utc)
    values = {
        "project_key": project_key,
        "project_slug": project_key.lower().replace("_", "-"),
        "version": version,
        "date": now.strftime("%Y-%m-%d"),
        "status": status.lower(),
    }
    bundle_id = _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    if not ids.is_valid(ids.BUNDLE_ID, bundle_id):
        raise ConfigError("bundle_id_template", "{} (gives {!r})".format(template, bundle_id),
                          "a template whose result is " + ids.BUNDLE_ID.description)
    return bundle_id
