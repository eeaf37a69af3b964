"""The ``dss-local`` command. Logs go to stderr; stdout carries only results."""
import argparse
import json
import logging
import sys

from . import runtime

FAIL_LEVELS = {"warning": ("WARNING", "ERROR"), "error": ("ERROR",)}


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

    result = macro.run_macro(args.macro_id, args.project_key, config=_config(args),
                             dss_url=args.dss_url, dss_api_key=args.dss_api_key,
                             datasets=dict(_pairs(args.dataset, "--dataset")))
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

    p = sub.add_parser("recipe", help="run custom-recipes/<id>/recipe.py")
    p.add_argument("recipe_id")
    p.add_argument("--input", action="append", metavar="ROLE=PATH")
    p.add_argument("--output", action="append", metavar="ROLE=PATH")
    p.add_argument("--append", action="store_true", help="append to the outputs (DSS 'Append instead of overwrite')")
    with_config(p)
    p.set_defaults(func=cmd_recipe)

    p = sub.add_parser("check", help="run python-checks/<id>/check.py on a dataset or folder")
    p.add_argument("check_id")
    p.add_argument("--on", required=True, metavar="PATH")
    p.add_argument("--fail-on", choices=sorted(FAIL_LEVELS), default="error")
    with_config(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("probe", help="run python-probes/<id>/probe.py on a dataset; prints NAME<TAB>TYPE<TAB>VALUE")
    p.add_argument("probe_id")
    p.add_argument("--on", required=True, metavar="PATH")
    with_config(p)
    p.set_defaults(func=cmd_probe)

    p = sub.add_parser("macro", help="run python-runnables/<id>/runnable.py")
    p.add_argument("macro_id")
    p.add_argument("--project-key", required=True)
    p.add_argument("--dss-url")
    p.add_argument("--dss-api-key")
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
