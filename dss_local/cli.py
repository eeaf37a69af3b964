"""The ``dss-local`` command. Logs go to stderr; stdout carries only results."""
import argparse
import json
import logging
import sys

from . import runtime

FAIL_LEVELS = {"warning": ("WARNING", "ERROR"), "error": ("ERROR",)}
# the folder each command's components live in
KINDS = {"recipe": "custom-recipes", "check": "python-checks", "probe": "python-probes", "macro": "python-runnables"}


def _role_line(role):
    # DSS's defaults for an omitted key: required false, acceptsDataset true, acceptsManagedFolder false
    accepts = [what for what, key, default in (("dataset", "acceptsDataset", True),
                                               ("managed folder", "acceptsManagedFolder", False))
               if role.get(key, default)]
    return "  {:<24} {}, {}{}  {}".format(role["name"], "required" if role.get("required", False) else "optional",
                                          " or ".join(accepts), " (several)" if role.get("arity") == "NARY" else "",
                                          role.get("label", ""))


def describe_component(kind, component_id, plugin_dir=None):
    """The roles and parameters (name, type, default, label) a component's JSON descriptor declares."""
    _, descriptor = runtime.load_descriptor(plugin_dir or runtime.find_plugin_dir(), kind, component_id)
    lines = ["{} — {}".format(component_id, descriptor.get("meta", {}).get("label", ""))]
    for key, title in (("inputRoles", "input roles (--input ROLE=PATH)"),
                       ("outputRoles", "output roles (--output ROLE=PATH)")):
        if descriptor.get(key):
            lines += ["", title + ":"] + [_role_line(role) for role in descriptor[key]]
    params = [p for p in descriptor.get("params", []) if p.get("type") != "SEPARATOR"]
    lines += ["", "parameters (--param NAME=VALUE):" if params else "parameters: none"]
    for param in params:
        default = json.dumps(param["defaultValue"]) if "defaultValue" in param else "-"
        lines.append("  {:<28} {:<12} default {:<12} {}".format(param["name"], param["type"], default,
                                                               param.get("label", "")))
    return "\n".join(lines)


class ComponentHelp(argparse.Action):
    """-h/--help after a component id also prints that component's roles and parameters."""

    def __init__(self, option_strings, dest, kind, id_dest):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show this help (after a component id: also its roles and parameters) and exit")
        self.kind, self.id_dest = kind, id_dest

    def __call__(self, parser, namespace, values, option_string=None):
        parser.print_help()
        component_id = getattr(namespace, self.id_dest, None)
        if component_id:
            try:
                print("\n" + describe_component(self.kind, component_id))
            except (ValueError, IOError) as exc:
                parser.exit(2, "dss-local: error: {}\n".format(exc))
        parser.exit()


def _config(args):
    config = {}
    if args.config:
        with open(args.config) as f:
            config = json.load(f)
        if not isinstance(config, dict):
            raise ValueError("--config {}: expected a JSON object of parameters.".format(args.config))
    for text in args.param or []:
        name, value = runtime.parse_param(text)
        config[name] = value
    return config


def _pairs(values, option):
    pairs = []
    for text in values or []:
        if "=" not in text:
            raise ValueError("{} expects ROLE=PATH, got {!r}".format(option, text))
        role, path = text.split("=", 1)
        pairs.append((role.strip(), path))
    return pairs


def cmd_recipe(args):
    runtime.run_recipe(args.recipe_id, _pairs(args.input, "--input"), _pairs(args.output, "--output"),
                       config=_config(args), append=args.append)
    return 0


def cmd_check(args):
    outcome, message = runtime.run_check(args.check_id, args.on, config=_config(args))
    print("{}\t{}".format(outcome, message))
    return 1 if outcome in FAIL_LEVELS[args.fail_on] else 0


def cmd_probe(args):
    values = runtime.run_probe(args.probe_id, args.on, config=_config(args))
    for name, (value, kind) in values.items():
        print("{}\t{}\t{}".format(name, kind, value))
    return 0


def cmd_macro(args):
    from . import macro

    try:
        result = macro.run_macro(args.macro_id, args.project_key, config=_config(args),
                                 dss_url=args.dss_url, dss_api_key=args.dss_api_key,
                                 datasets=dict(_pairs(args.dataset, "--dataset")))
    except RuntimeError as exc:
        if args.dss_url:
            raise
        # without --dss-url, dataiku.api_client() raises (the stand-in has no DSS to reach): one line
        raise ValueError("macro {}: {}".format(args.macro_id, exc)) from exc
    if result is not None:
        print(result if isinstance(result, str) else json.dumps(result, indent=2))
    return 0


def cmd_emulator(args):
    from . import emulator

    emulator.serve(host=args.host, port=args.port, state_file=args.state)
    return 0


def cmd_accept(args):
    from . import acceptance

    return acceptance.main(args)


def build_parser():
    parser = argparse.ArgumentParser(prog="dss-local", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logs on stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_config(p):
        p.add_argument("--config", help="JSON file of parameters")
        p.add_argument("--param", action="append", metavar="NAME=VALUE", help="a parameter (JSON or text)")

    def component(name, id_dest, **kwargs):
        p = sub.add_parser(name, add_help=False, **kwargs)
        p.add_argument("-h", "--help", action=ComponentHelp, kind=KINDS[name], id_dest=id_dest)
        p.add_argument(id_dest, metavar=id_dest.upper(), help="the component's folder name under {}/ "
                       "(ID --help lists its roles and parameters)".format(KINDS[name]))
        return p

    p = component("recipe", "recipe_id", help="run custom-recipes/<id>/recipe.py")
    p.add_argument("--input", action="append", metavar="ROLE=PATH")
    p.add_argument("--output", action="append", metavar="ROLE=PATH")
    p.add_argument("--append", action="store_true", help="append to the outputs (DSS 'Append instead of overwrite')")
    with_config(p)
    p.set_defaults(func=cmd_recipe)

    p = component("check", "check_id", help="run python-checks/<id>/check.py on a dataset or folder")
    p.add_argument("--on", required=True, metavar="PATH")
    p.add_argument("--fail-on", choices=sorted(FAIL_LEVELS), default="error")
    with_config(p)
    p.set_defaults(func=cmd_check)

    p = component("probe", "probe_id",
                  help="run python-probes/<id>/probe.py on a dataset; prints NAME<TAB>TYPE<TAB>VALUE")
    p.add_argument("--on", required=True, metavar="PATH")
    with_config(p)
    p.set_defaults(func=cmd_probe)

    p = component("macro", "macro_id", help="run python-runnables/<id>/runnable.py")
    p.add_argument("--project-key", required=True)
    p.add_argument("--dss-url", help="the DSS the macro's dataiku.api_client() reaches (e.g. dss-local emulator)")
    p.add_argument("--dss-api-key", help="the API key of the DSS user running the macro")
    p.add_argument("--dataset", action="append", metavar="NAME=PATH", help="a project dataset the macro reads")
    with_config(p)
    p.set_defaults(func=cmd_macro)

    p = sub.add_parser("emulator", help="serve the DSS/Govern public-API emulator")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8085)
    p.add_argument("--state", help="JSON state file (loaded at start, written back on change)")
    p.set_defaults(func=cmd_emulator)

    p = sub.add_parser("accept", help="acceptance kit: prove the plugin works on a real DSS (prints a pass/fail "
                       "table; exit code 1 when a step fails)")
    from .acceptance import add_arguments

    add_arguments(p)
    p.set_defaults(func=cmd_accept)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        return args.func(args)
    except (ValueError, IOError, KeyError) as exc:
        logging.getLogger("dss-local").debug("failure", exc_info=True)
        print("dss-local: error: {}".format(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
