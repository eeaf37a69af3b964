"""Govern artifact save (``GovernArtifactDefinition.save``: ``PUT /artifact/{id}``, every supported
client), used by publish-model-status to write a status field of the Govern bundle item (issue 18).

A body that is not the artifact object, that renames it or changes its blueprint version, or whose
``fields`` is not an object is a 400; an unknown artifact a 404. A field outside the blueprint's
declared fields (``govern.blueprint_fields.<blueprint id> = [field ids]``; demo_state declares the
standard blueprints') is a 400, and so is any field of a blueprint whose fields the state does not
declare: as Govern checks fields against the blueprint version (the exact error Govern gives, and
whether it also checks each value's type, are UNCONFIRMED; the emulator checks no type)."""
from .server import CODED, NOT_FOUND, ApiError, route


@route("govern", "PUT", r"/artifact/([^/]+)")
def save_artifact(req, artifact_id):
    artifacts = req.doc["govern"]["artifacts"]
    current = artifacts.get(artifact_id)
    if current is None:
        raise ApiError(404, NOT_FOUND, "Artifact not found: {}".format(artifact_id))
    body = req.body
    if not isinstance(body, dict) or body.get("id") != artifact_id:
        raise ApiError(400, CODED, "The body must be the artifact {} itself".format(artifact_id))
    if body.get("blueprintVersionId") != current["blueprintVersionId"]:
        raise ApiError(400, CODED, "The blueprint version of artifact {} cannot be changed here".format(artifact_id))
    fields = body.get("fields")
    if not isinstance(fields, dict):
        raise ApiError(400, CODED, "fields must be an object")
    declared = req.doc["govern"].get("blueprint_fields", {}).get(current["blueprintVersionId"]["blueprintId"])
    unknown = sorted(set(fields) - set(declared or ()))
    if unknown:
        raise ApiError(400, CODED, "Field {} is not defined in blueprint version {}".format(
            unknown[0], current["blueprintVersionId"]))
    current["fields"] = fields
    if isinstance(body.get("name"), str):
        current["name"] = body["name"]
    return {"artifact": {k: v for k, v in current.items() if k != "archived"}}
