"""govern-diagnostics, the Govern ids as plugin settings, refusals that say what Govern holds instead,
and the Project Standards check leaving DSS's client as it was — through the real runnable.py files,
the real dataikuapi client and the emulator."""
import dataikuapi
import pytest

from dss_local.emulator.state import BP_DATAIKU_MODEL_VERSION
from dss_local.macro import run_macro
from gate_fixtures import DSS_KEY, GOVERN_KEY, OPEN_POLICY, PROJECT, all_logs, bundles, connection, emu, plugin_policy  # noqa: F401
from test_gate_emulator import approve, assert_no_secret
from dss_local.runtime import component_context, find_plugin_dir
from dku_guardrails.gate.http import _BoundedAdapter
from model_guardrails.errors import GuardrailsError

pytestmark = pytest.mark.client_matrix


def macro(emu, macro_id, plugin_config=None, **config):
    config.setdefault("govern_connection", connection(emu))
    plugin_config = dict(plugin_config or {})
    if macro_id == "create-approved-bundle":
        config.setdefault("version", "1.0")
        plugin_config = dict(plugin_policy(OPEN_POLICY), **plugin_config)
    return run_macro(macro_id, PROJECT, config=config, dss_url=emu.url, dss_api_key=DSS_KEY,
                     plugin_config=plugin_config)


def model_version_items(doc):
    return [a for a in doc["govern"]["artifacts"].values()
            if a["blueprintVersionId"]["blueprintId"] == BP_DATAIKU_MODEL_VERSION]


def rename_field(emu, old, new):
    def change(doc):
        for artifact in model_version_items(doc):
            artifact["fields"][new] = artifact["fields"].pop(old)
    emu.state.update(change)


def test_diagnostics_show_what_govern_holds(emu, all_logs):
    page = macro(emu, "govern-diagnostics")
    # the Dataiku blueprints of the node, the model version's chain and its sign-off
    assert "bp.system.dataiku_bundle" in page and "bp.system.dataiku_saved_model_version" in page
    assert "ar.5" in page and "ar.6" in page and "review: WAITING_FOR_APPROVAL" in page
    # v1 is not synced to Govern: reported, with what Govern has instead
    assert "1 PROBLEM(S)" in page and "saved model version FRAUD_DETECTION.fraud_model/v1" in page
    assert "items of blueprint bp.system.dataiku_saved_model_version exist but none with" in page
    assert_no_secret(emu, all_logs, page)


def test_a_renamed_field_is_named_in_the_refusal_and_fixed_by_a_plugin_setting(emu, all_logs):
    rename_field(emu, "version_id", "versionId")
    approve(emu)
    with pytest.raises(GuardrailsError) as err:
        macro(emu, "create-approved-bundle")
    message = str(err.value)
    assert "have no field 'version_id'" in message and "versionId" in message, message
    assert bundles(emu) == []
    page = macro(emu, "govern-diagnostics")
    assert "have no field &#x27;version_id&#x27;" in page and "versionId" in page
    settings = {"govern_field_version_id": "versionId"}
    assert "versionId=v2" in macro(emu, "govern-diagnostics", settings)  # the fields of the item found
    macro(emu, "create-approved-bundle", settings)
    assert len(bundles(emu)) == 1
    assert_no_secret(emu, all_logs, message, page)


def test_a_missing_blueprint_refusal_lists_the_dataiku_blueprints(emu, all_logs):
    approve(emu)
    with pytest.raises(GuardrailsError) as err:
        macro(emu, "create-approved-bundle", {"govern_bp_model_version": "bp.custom.model_version"})
    message = str(err.value)
    assert "no item of blueprint bp.custom.model_version" in message
    assert "bp.system.dataiku_saved_model_version" in message  # what the node has instead
    assert bundles(emu) == []
    page = macro(emu, "govern-diagnostics", {"govern_bp_model_version": "bp.custom.model_version"})
    assert "Blueprint bp.custom.model_version (plugin setting govern_bp_model_version) is not on this Govern node" \
        in page


def test_a_plugin_setting_that_cannot_be_a_govern_id_is_refused(emu):
    with pytest.raises(GuardrailsError) as err:
        macro(emu, "create-approved-bundle", {"govern_field_bundle_id": "bundle id/../x"})
    assert "plugin setting govern_field_bundle_id" in str(err.value) and "Govern blueprint or field id" in str(err.value)


def test_the_project_standards_check_leaves_dss_client_as_it_was(emu):
    approve(emu)
    client = dataikuapi.DSSClient(emu.url, DSS_KEY)
    adapters = dict(client._session.adapters)
    project = client.get_project(PROJECT)
    with component_context(find_plugin_dir()):  # the gate reads evidence datasets through `dataiku`
        from dku_guardrails.gate.standards import project_signoff_decision

        approved, message = project_signoff_decision(project, {"govern_connection": connection(emu)})
    assert approved, message
    assert dict(client._session.adapters) == adapters
    assert not any(isinstance(a, _BoundedAdapter) for a in client._session.adapters.values())
    assert project.client is client and client.get_project(PROJECT).get_summary()  # still usable
    assert GOVERN_KEY not in message
