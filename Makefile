# model-guardrails — developer commands. `make demo` and `make test` do their own setup.
PLUGIN_ID := model-guardrails
VERSION := $(shell python3 -c "import json; print(json.load(open('plugin.json'))['version'])")
# where `make plugin` writes the zip; e.g. make plugin DIST=/tmp/out
DIST ?= dist
ARCHIVE := $(DIST)/dss-plugin-$(PLUGIN_ID)-$(VERSION).zip
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.spark-installed
# the peers (Evidently, fairlearn, AIF360) for `make bench` only: their own venv, never the plugin's
PEERS := build/peers
PEER_STAMP := $(PEERS)/.installed
BENCH_ARGS ?=
# `make test` also runs the gate tests (marker client_matrix) against the public dataiku-api-client of
# each supported DSS line, one pip --target folder per version; e.g. make test CLIENT_VERSIONS="12.6.4"
CLIENT_VERSIONS ?= 12.6.4 13.1.4 13.4.4 14.0.2 14.3.3 15.2.0
# versions tested at the same time: the runs mostly wait on loopback HTTP and polls (6 at once: load ~1 on
# 2 cores, 176 s for the six instead of 450 s two at a time); make test CLIENT_JOBS=1 to run them in turn
CLIENT_JOBS ?= 6
CLIENTS := build/clients
CLIENT_STAMPS := $(foreach v,$(CLIENT_VERSIONS),$(CLIENTS)/$(v)/.installed)
# `make test` also runs the pure-core tests with the oldest pandas/numpy/scipy/scikit-learn a code env may hold
# (requirements-oldest.txt, pinned per interpreter), once per declared interpreter found on this machine (the
# others are skipped, and said), each in a venv of its own; e.g. make test-oldest OLDEST_VERSIONS=3.9
OLDEST_VERSIONS ?= 3.9 3.10 3.11 3.12
# an interpreter: pythonX.Y on the PATH, else one installed by pyenv
oldest_python = $(firstword $(shell python$(1) -c "import sys; print(sys.executable)" 2>/dev/null) \
	$(wildcard $(HOME)/.pyenv/versions/$(1).*/bin/python$(1)))
OLDEST_FOUND := $(foreach v,$(OLDEST_VERSIONS),$(if $(call oldest_python,$(v)),$(v)))
OLDEST_STAMPS := $(foreach v,$(OLDEST_FOUND),build/oldest/py$(v)/.installed)
# the pure core's tests (tests/core: statistics, checks, gate decisions) with the oldest libraries, but
# the comparison with scikit-learn's calibration curve, whose bins close on the right from 1.1 only
CORE_TESTS := tests/core --ignore=tests/core/test_curves.py
# a shell loop over the found interpreters; a failing one fails the loop after all have run
OLDEST_RUN := status=0; \
	for v in $(filter-out $(OLDEST_FOUND),$(OLDEST_VERSIONS)); do echo "oldest: python$$v not found, skipped"; done; \
	for v in $(OLDEST_FOUND); do py=build/oldest/py$$v/bin/python; \
	$$py -c 'import sys, numpy, pandas, scipy, sklearn; \
	print("oldest: Python %s, pandas %s, numpy %s, scipy %s, scikit-learn %s" % (sys.version.split()[0], \
	pandas.__version__, numpy.__version__, scipy.__version__, sklearn.__version__))' && \
	$$py -m pytest -q -p no:cacheprovider -W ignore::FutureWarning $(CORE_TESTS) || status=1; done; \
	test $$status = 0

.PHONY: install test test-clients test-oldest clients demo plugin bench clean

install: $(STAMP)

$(STAMP): code-env/python/spec/requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -r code-env/python/spec/requirements.txt -r requirements-dev.txt
	$(VENV)/bin/python -m pip install -q --no-deps -e .
	touch $(STAMP)

$(SPARK_STAMP): $(STAMP) requirements-spark.txt
	$(VENV)/bin/python -m pip install -q -r requirements-spark.txt
	touch $(SPARK_STAMP)

# one folder per client version, installed once (pure Python; requests etc. come from the venv)
$(CLIENTS)/%/.installed: | $(STAMP)
	rm -rf $(CLIENTS)/$*
	$(VENV)/bin/python -m pip install -q --no-deps --target $(CLIENTS)/$* dataiku-api-client==$*
	touch $@

clients: $(CLIENT_STAMPS)

# wheels only: an interpreter without a wheel for a pinned version fails here, never builds from source
build/oldest/py%/.installed: requirements-oldest.txt
	rm -rf build/oldest/py$*
	$(call oldest_python,$*) -m venv build/oldest/py$*
	build/oldest/py$*/bin/python -m pip install -q --upgrade pip
	build/oldest/py$*/bin/python -m pip install -q --only-binary :all: -r requirements-oldest.txt
	touch $@

# the client matrix and the oldest-versions run go on when an earlier run fails (all results show); any
# failing fails `make test`
test: install $(SPARK_STAMP) clients $(OLDEST_STAMPS)
	@status=0; \
	$(VENV)/bin/python -m pytest || status=1; \
	$(VENV)/bin/python tests/client_matrix.py --clients $(CLIENTS) --jobs $(CLIENT_JOBS) $(CLIENT_VERSIONS) || status=1; \
	( $(OLDEST_RUN) ) || status=1; \
	exit $$status

# the client matrix alone
test-clients: install clients
	$(VENV)/bin/python tests/client_matrix.py --clients $(CLIENTS) --jobs $(CLIENT_JOBS) $(CLIENT_VERSIONS)

# the pure-core tests with the oldest versions alone
test-oldest: $(OLDEST_STAMPS)
	@$(OLDEST_RUN)

demo: install
	$(VENV)/bin/python demo/run_demo.py

$(PEER_STAMP): bench/peers-requirements.txt
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install -q --upgrade pip
	$(PEERS)/bin/python -m pip install -q -r bench/peers-requirements.txt
	touch $(PEER_STAMP)

# on demand, never part of `make test`: each recipe's core path against its read floor and the peers, at 100k and
# 1M in memory and 10M streamed (docs/benchmarks.md); a quick look:
# make bench BENCH_ARGS="--rows 100000 --reps 1 --stream-rows 0 --no-doc"
bench: install $(PEER_STAMP)
	$(VENV)/bin/python bench/run_bench.py --peer-python $(PEERS)/bin/python $(BENCH_ARGS)

# The upload zip: plugin.json at the root, only the files DSS uses (no tests, no dev tooling), and the DSS
# users' README (dss/README.md) as its README.md. It is the last commit's content (git archive HEAD), so it
# refuses while a shipped path differs from HEAD (modified, staged, deleted or untracked files).
SHIPPED := plugin.json CHANGELOG.md LICENSE code-env custom-recipes python-checks python-runnables python-probes \
	parameter-sets python-project-standards-check-specs python-lib resource
USER_README := dss/README.md

plugin:
	@dirty="$$(git status --porcelain --untracked-files=all -- $(SHIPPED) $(USER_README))" || exit 1; \
	if [ -n "$$dirty" ]; then \
	echo "make plugin: refused: the zip is built from the last commit (git archive HEAD), and these shipped" \
	"files differ from it:" >&2; echo "$$dirty" >&2; \
	echo "Commit (or revert) them, then run make plugin again." >&2; exit 1; fi
	mkdir -p $(DIST) && rm -f $(DIST)/dss-plugin-$(PLUGIN_ID)-*.zip
	git archive -9 --format zip -o $(ARCHIVE) --add-file=$(USER_README) HEAD -- \
		$$(git ls-tree --name-only HEAD -- $(SHIPPED))
	@echo "Built $(ARCHIVE)"

clean:
	rm -rf dist build $(VENV) .pytest_cache
