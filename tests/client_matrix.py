"""Run the `client_matrix` tests (the gate tests) once per supported DSS line's dataiku-api-client.

    python tests/client_matrix.py [--clients build/clients] VERSION [VERSION ...] [-- PYTEST_ARGS]

Each VERSION must be installed in <clients>/<VERSION> (`make clients` does it with pip --target).
Each run is `python -m pytest -q -m client_matrix` with MG_DATAIKU_CLIENT=<clients>/<VERSION>, which
tests/conftest.py puts ahead of the venv's client. Prints one line per version (plus, under it, its
failures grouped by message), keeps each run's full output in <clients>/<VERSION>.log, and exits 1 if any version
fails (or collects nothing, or did not run the client it was given)."""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LISTED = 15


def shorten(message, limit=240):
    """One line; when too long, its start and the innermost 'XxxError: ...' (often the actual cause)."""
    text = " ".join(message.split())
    if len(text) <= limit:
        return text
    inner = [m for m in re.finditer(r"\b[A-Z]\w*(?:Error|Exception): ", text) if m.start() > 0]
    if not inner:  # e.g. an assert: its start, and its end where the diff is
        return text[:100] + " ... " + text[-(limit - 105):]
    tail = text[inner[-1].start():]
    tail = tail if len(tail) <= limit - 80 else tail[:limit - 83] + "..."
    return text[:limit - len(tail) - 5] + " ... " + tail


def counts_and_failures(junit_path):
    """({passed, failed, errors, skipped}, [(test id, first line of the message)]) from a junit xml."""
    counts = dict(passed=0, failed=0, errors=0, skipped=0)
    failures = []
    if not os.path.exists(junit_path):
        return counts, failures
    for case in ET.parse(junit_path).getroot().iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed", "error": "errors"}.get(child.tag, child.tag)
                if child.tag != "skipped":
                    module = case.get("classname", "").rpartition(".")[2]
                    name = module + "::" + case.get("name", "") if module else case.get("name", "")
                    e_lines = [line[1:] for line in (child.text or "").splitlines() if line.startswith("E ")]
                    message = " ".join(e_lines) or child.get("message") or child.tag
                    failures.append((name, shorten(message)))
                break
        counts[outcome] += 1
    return counts, failures


def run_version(version, clients, python, extra):
    folder = os.path.abspath(os.path.join(clients, version))
    log_path = folder + ".log"
    if not os.path.isdir(os.path.join(folder, "dataikuapi")):
        return False, "%-8s NOT INSTALLED in %s (run `make clients`)" % (version, folder), []
    env = dict(os.environ, MG_DATAIKU_CLIENT=folder)
    with tempfile.TemporaryDirectory() as tmp:
        junit = os.path.join(tmp, "junit.xml")
        # no cacheprovider: the matrix runs must not overwrite the main run's --lf/--ff cache
        command = [python, "-m", "pytest", "-q", "-m", "client_matrix", "-p", "no:cacheprovider",
                   "--junitxml", junit, "-o", "junit_family=xunit1"] + extra
        start = time.monotonic()
        proc = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True)
        seconds = time.monotonic() - start
        counts, failures = counts_and_failures(junit)
    with open(log_path, "w") as log:
        log.write("$ MG_DATAIKU_CLIENT=%s %s\n%s" % (folder, " ".join(command), proc.stdout))
    header = re.search(r"^dataiku-api-client: (\S+) \((.*)\)$", proc.stdout, re.M)
    problems = []
    if header is None or header.group(1) != version or header.group(2) != os.path.realpath(folder):
        problems.append("ran client %s, expected %s from %s" % (
            "%s (%s)" % header.groups() if header else "unknown", version, folder))
    if proc.returncode == 5 or sum(counts.values()) == 0:
        problems.append("no tests collected")
    elif proc.returncode not in (0, 1):
        problems.append("pytest exit code %d" % proc.returncode)
    ok = proc.returncode == 0 and not problems
    line = "%-8s %-4s %3d passed %3d failed %3d errors %3d skipped  %6.1fs%s" % (
        version, "ok" if ok else "FAIL", counts["passed"], counts["failed"], counts["errors"], counts["skipped"],
        seconds, "" if ok else "  (log: %s)" % os.path.relpath(log_path, ROOT))
    by_message = {}
    for name, message in failures:
        by_message.setdefault(message, []).append(name)
    details = list(problems)
    for message, names in sorted(by_message.items(), key=lambda item: -len(item[1])):
        listed = ", ".join(names[:3]) + (", +%d more" % (len(names) - 3) if len(names) > 3 else "")
        details.append("%d x %s\n             [%s]" % (len(names), message, listed))
    return ok, line, details


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("versions", nargs="+", metavar="VERSION")
    parser.add_argument("--clients", default=os.path.join(ROOT, "build", "clients"),
                        help="folder holding one pip --target install per version (default: build/clients)")
    parser.add_argument("--python", default=sys.executable, help="interpreter running pytest (default: this one)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="versions run at the same time (default 1; the runs mostly wait on loopback HTTP)")
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []  # after --: extra pytest arguments
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)

    print("client matrix: pytest -m client_matrix against dataiku-api-client %s" % ", ".join(args.versions))
    failed = []
    total = time.monotonic()
    pool = concurrent.futures.ThreadPoolExecutor(max(1, args.jobs))
    runs = [pool.submit(run_version, version, args.clients, args.python, extra) for version in args.versions]
    for version, run in zip(args.versions, runs):
        ok, line, details = run.result()
        print(line)
        for detail in details[:MAX_LISTED]:
            print("           " + detail)
        if len(details) > MAX_LISTED:
            print("           ... and %d more" % (len(details) - MAX_LISTED))
        sys.stdout.flush()
        if not ok:
            failed.append(version)
    print("client matrix: %d/%d versions passed in %.1fs%s" % (
        len(args.versions) - len(failed), len(args.versions), time.monotonic() - total,
        "; failing: " + " ".join(failed) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
