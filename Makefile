# halo: the two commands a newcomer needs are `make run` and `make test`.
SWIFT ?= swift
HALO = .build/debug/halo

.PHONY: setup build run test bench clean simulate

# Lua 5.4 comes from the system (Debian: liblua5.4-dev). Install it only when missing.
setup:
	@if ! pkg-config --exists lua5.4 2>/dev/null; then \
		echo "installing liblua5.4-dev (pkg-config lua5.4 not found)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq liblua5.4-dev pkg-config >/dev/null; \
	fi
	@pkg-config --modversion lua5.4 >/dev/null

build: setup
	$(SWIFT) build

EXAMPLE = examples/passthrough-alpha
STATE = .halo-state/example

# The main job on the shipped example: check the Halo, run its fixtures, then run the
# Sentinel over three weeks of events and show what it decided.
run: build
	$(HALO) check $(EXAMPLE)/halo.yaml
	$(HALO) test examples/
	rm -rf $(STATE) && mkdir -p $(STATE)
	$(HALO) run $(EXAMPLE)/halo.yaml --state $(STATE) --feed $(EXAMPLE)/feeds/three-weeks.jsonl > $(STATE)/decisions.jsonl
	@echo "decision log: $$(wc -l < $(STATE)/decisions.jsonl) lines in $(STATE)/decisions.jsonl; the last three:"
	@tail -n 3 $(STATE)/decisions.jsonl
	$(HALO) state --state $(STATE)
	$(HALO) journal verify --state $(STATE)

SIMULATION = .halo-state/simulate

# The Day-1 launch: both example scenarios (a new CLO Unit onboarding with SORL-bounded Prime
# limits, then with limits set by governance); prints each launch table, writes the charts.
simulate: build
	mkdir -p $(SIMULATION)
	$(HALO) simulate examples/primes/launch-sorl.yaml --svg $(SIMULATION)/launch-sorl.svg --html $(SIMULATION)/launch-sorl.html --csv $(SIMULATION)/launch-sorl
	$(HALO) simulate examples/primes/launch-governance.yaml --svg $(SIMULATION)/launch-governance.svg --html $(SIMULATION)/launch-governance.html --csv $(SIMULATION)/launch-governance

test: setup
	$(SWIFT) test

bench: setup
	$(SWIFT) run -c release halo bench

clean:
	rm -rf .build
