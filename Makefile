# halo: the two commands a newcomer needs are `make run` and `make test`.
SWIFT ?= swift
HALO = .build/debug/halo

.PHONY: setup build run test bench sanitize clean install templates fuzz fuzz-build simulate

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
	$(HALO) statement --state $(STATE) --unit tbill-a --epoch 2026-03-03

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

# The C amount code (Sources/LuaShim/amount.c) under ASan and UBSan: a differential test of
# every 256-bit operation against a reference, and the amount tests in a sandbox.
SANITIZE_BIN = .build/amount-sanitize
sanitize: setup
	mkdir -p .build
	$(CC) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
		$$(pkg-config --cflags lua5.4) -ISources/LuaShim -ISources/LuaShim/include \
		Sources/LuaShim/*.c Tests/ShimSanitize/*.c $$(pkg-config --libs lua5.4) -lpthread \
		-o $(SANITIZE_BIN)
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(SANITIZE_BIN) 20000
	# Again with the allocator's small-block free lists on (they are off under ASan by default).
	$(CC) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -DHALO_SLAB_ON=1 \
		$$(pkg-config --cflags lua5.4) -ISources/LuaShim -ISources/LuaShim/include \
		Sources/LuaShim/*.c Tests/ShimSanitize/*.c $$(pkg-config --libs lua5.4) -lpthread \
		-o $(SANITIZE_BIN)-slab
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(SANITIZE_BIN)-slab 2000

clean:
	rm -rf .build

# Installs halo for use outside this checkout: PREFIX/bin/halo, and PREFIX/share/halo/ with
# the Lua stdlib and the `halo new` templates, where the installed binary looks for them
# (relative to its own path). CONFIG=debug installs a debug build.
PREFIX ?= /usr/local
CONFIG ?= release
install: setup
	$(SWIFT) build -c $(CONFIG) --product halo
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/halo
	install -m 755 "$$($(SWIFT) build -c $(CONFIG) --show-bin-path)/halo" $(DESTDIR)$(PREFIX)/bin/halo
	rm -rf $(DESTDIR)$(PREFIX)/share/halo/stdlib $(DESTDIR)$(PREFIX)/share/halo/templates
	cp -R stdlib templates $(DESTDIR)$(PREFIX)/share/halo/
	@echo "installed $(PREFIX)/bin/halo (stdlib and templates in $(PREFIX)/share/halo)"

# Regenerates the `halo new unit --from tbill|mmf|clo-aaa` templates from the shipped policies.
templates:
	templates/generate.sh

# Coverage-guided fuzzing (docs/fuzzing.md): the harnesses in fuzz/ are a separate package,
# never built by `swift build`/`swift test`. Each runs FUZZ_SECONDS over its committed seed
# corpus (fuzz/corpus/NAME, read only) plus a working corpus under .build/fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= json yaml policy
FUZZ_FLAGS = -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xcc -fsanitize=fuzzer-no-link,address
FUZZ_BIN = fuzz/.build/debug

fuzz-build: setup
	$(SWIFT) build --package-path fuzz -j 1 $(FUZZ_FLAGS)

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		case $$t in json) exe=FuzzJSON;; yaml) exe=FuzzYAML;; policy) exe=FuzzPolicy;; esac; \
		mkdir -p .build/fuzz/$$t/corpus .build/fuzz/$$t/crashes; \
		echo "fuzz $$t for $(FUZZ_SECONDS) s"; \
		ASAN_OPTIONS=detect_leaks=0 $(FUZZ_BIN)/$$exe .build/fuzz/$$t/corpus fuzz/corpus/$$t -max_total_time=$(FUZZ_SECONDS) \
			-timeout=10 -rss_limit_mb=2048 -max_len=65536 -detect_leaks=0 -print_final_stats=1 -dict=fuzz/dict/$$t.dict \
			-artifact_prefix=.build/fuzz/$$t/crashes/ || exit 1; \
	done
