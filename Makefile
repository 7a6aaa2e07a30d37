# edgeprobe: live TLS endpoint prober for Lync / Skype for Business edges.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
BUILD	?= build

PKGS	 = gnutls libcares jansson libpsl inih libcurl
WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wundef -Wvla \
	   -Wcast-qual -Wwrite-strings -Wno-missing-field-initializers
CFLAGS	?= -O2 -g
CPPFLAGS += -Iinclude -Isrc -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
ALLCFLAGS = -std=c11 $(WARN) $(CFLAGS) $(shell pkg-config --cflags $(PKGS))
LIBS	 = $(shell pkg-config --libs $(PKGS))
TESTLIBS = $(shell pkg-config --libs cmocka)

OBJS	 = $(BUILD)/input/check.o \
	   $(BUILD)/input/config.o \
	   $(BUILD)/input/file.o \
	   $(BUILD)/input/hash.o \
	   $(BUILD)/input/hostname.o \
	   $(BUILD)/input/ini.o \
	   $(BUILD)/input/plan.o \
	   $(BUILD)/input/profile.o \
	   $(BUILD)/input/profile_data.o \
	   $(BUILD)/input/state.o \
	   $(BUILD)/input/targets.o \
	   $(BUILD)/input/time.o \
	   $(BUILD)/x509/cert.o \
	   $(BUILD)/x509/constraints.o \
	   $(BUILD)/x509/names.o \
	   $(BUILD)/x509/revoke.o \
	   $(BUILD)/x509/trust.o \
	   $(BUILD)/net/discover.o \
	   $(BUILD)/net/engine.o \
	   $(BUILD)/net/fetch.o \
	   $(BUILD)/net/revfetch.o \
	   $(BUILD)/net/lookups.o \
	   $(BUILD)/net/observe.o \
	   $(BUILD)/net/offline.o \
	   $(BUILD)/net/poller.o \
	   $(BUILD)/net/probe.o \
	   $(BUILD)/net/resolve.o \
	   $(BUILD)/judge/finding.o \
	   $(BUILD)/judge/revcheck.o \
	   $(BUILD)/judge/rules.o \
	   $(BUILD)/judge/rules_changes.o \
	   $(BUILD)/judge/rules_conformance.o \
	   $(BUILD)/judge/rules_dates.o \
	   $(BUILD)/judge/rules_dns.o \
	   $(BUILD)/judge/rules_keys.o \
	   $(BUILD)/judge/rules_limits.o \
	   $(BUILD)/judge/rules_names.o \
	   $(BUILD)/judge/rules_pool.o \
	   $(BUILD)/judge/rules_reach.o \
	   $(BUILD)/judge/rules_revocation.o \
	   $(BUILD)/judge/rules_trust.o \
	   $(BUILD)/judge/rules_usage.o \
	   $(BUILD)/report/chains.o \
	   $(BUILD)/report/escape.o \
	   $(BUILD)/report/index.o \
	   $(BUILD)/report/json.o \
	   $(BUILD)/report/nagios.o \
	   $(BUILD)/report/prometheus.o \
	   $(BUILD)/report/state.o \
	   $(BUILD)/report/text.o

UNITS	 = $(BUILD)/test_names \
	   $(BUILD)/test_cert \
	   $(BUILD)/test_rules \
	   $(BUILD)/test_rules_dns \
	   $(BUILD)/test_rules_conformance \
	   $(BUILD)/test_escape \
	   $(BUILD)/test_nagios \
	   $(BUILD)/test_prometheus \
	   $(BUILD)/test_plan \
	   $(BUILD)/test_targets \
	   $(BUILD)/test_state \
	   $(BUILD)/test_time \
	   $(BUILD)/test_discover \
	   $(BUILD)/test_resolve \
	   $(BUILD)/test_offline \
	   $(BUILD)/test_profile \
	   $(BUILD)/test_config \
	   $(BUILD)/test_file \
	   $(BUILD)/test_ini \
	   $(BUILD)/test_poller \
	   $(BUILD)/test_engine \
	   $(BUILD)/test_lookups \
	   $(BUILD)/test_fetch \
	   $(BUILD)/test_report_index \
	   $(BUILD)/test_report_text \
	   $(BUILD)/test_revoke \
	   $(BUILD)/test_rules_revocation

# The libFuzzer targets, tests/fuzz/fuzz_NAME.c, one for each reader of
# outside data (tests/fuzz/README).
FUZZERS	 = profile config targets state names dns cert chain pfx csr ocsp \
	   crl aia
FUZZ_COMMON = tests/fuzz/fuzz.c tests/fuzz/judge.c tests/fuzz/plan.c

# The built-in profiles, compiled in; the first is the default.
PROBES	 = probes/lync2013.ini \
	   probes/skype2015.ini \
	   probes/skype2019.ini \
	   probes/generic.ini

all: edgeprobe

edgeprobe: $(BUILD)/main.o $(BUILD)/libedgeprobe.a
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $(BUILD)/main.o $(BUILD)/libedgeprobe.a $(LIBS)

$(BUILD)/libedgeprobe.a: $(OBJS)
	rm -f $@
	$(AR) rcs $@ $(OBJS)

HEADERS	 = $(wildcard include/*.h include/*/*.h src/*/*.h)

$(BUILD)/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c -o $@ $<

# probes/*.ini as C strings, so that edgeprobe needs no data files at run time.
$(BUILD)/input/profile_data.c: probes/embed.sh $(PROBES)
	@mkdir -p $(@D)
	sh probes/embed.sh $(PROBES) >$@.tmp
	mv $@.tmp $@

$(BUILD)/input/profile_data.o: $(BUILD)/input/profile_data.c
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c -o $@ $(BUILD)/input/profile_data.c

$(BUILD)/test_%: tests/unit/test_%.c $(BUILD)/libedgeprobe.a $(HEADERS) \
	    $(wildcard tests/unit/*.h)
	$(CC) $(CPPFLAGS) -Itests/unit $(ALLCFLAGS) $(LDFLAGS) -o $@ $< \
	    $(BUILD)/libedgeprobe.a $(LIBS) $(TESTLIBS)

# A fuzz target: libFuzzer's main and the library, built with the same
# sanitizers (fuzz-build, in build/fuzz).
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_COMMON) $(BUILD)/libedgeprobe.a \
	    $(HEADERS) $(wildcard tests/fuzz/*.h)
	$(CC) $(CPPFLAGS) -Itests/fuzz $(ALLCFLAGS) $(LDFLAGS) \
	    -fsanitize=fuzzer -o $@ $< $(FUZZ_COMMON) $(BUILD)/libedgeprobe.a \
	    $(LIBS)

# The lab's servers and the benchmark's relay and timer (tests/lab,
# tests/bench): small programs of their own, built with the same flags.
LABTOOLS = $(BUILD)/tarpit \
	   $(BUILD)/dnsdelay \
	   $(BUILD)/oddcert \
	   $(BUILD)/latency \
	   $(BUILD)/measure
LABNET	 = tests/lab/labnet.c tests/lab/labnet.h
LABCC	 = $(CC) $(CPPFLAGS) -Itests/lab $(ALLCFLAGS) $(LDFLAGS)

lab-tools: $(LABTOOLS)

$(BUILD)/tarpit: tests/lab/tarpit.c $(LABNET) | $(BUILD)
	$(LABCC) -o $@ tests/lab/tarpit.c tests/lab/labnet.c

$(BUILD)/dnsdelay: tests/lab/dnsdelay.c $(LABNET) | $(BUILD)
	$(LABCC) -o $@ tests/lab/dnsdelay.c tests/lab/labnet.c

$(BUILD)/oddcert: tests/lab/oddcert.c | $(BUILD)
	$(LABCC) -o $@ tests/lab/oddcert.c $(LIBS)

$(BUILD)/latency: tests/bench/latency.c $(LABNET) | $(BUILD)
	$(LABCC) -o $@ tests/bench/latency.c tests/lab/labnet.c

$(BUILD)/measure: tests/bench/measure.c | $(BUILD)
	$(LABCC) -o $@ tests/bench/measure.c

$(BUILD):
	mkdir -p $(BUILD)

# The whole test suite: unit tests, the lab-backed integration tests, the
# same under AddressSanitizer/UBSan and valgrind, a clang build, man lint,
# the validation corpus (also under AddressSanitizer/UBSan), and a smoke
# run of the fuzz targets (fuzz-smoke, below).
check: unit integration check-sanitize check-valgrind check-clang lint-man \
	check-layers corpus corpus-sanitize fuzz-smoke

unit: $(UNITS)
	@set -e; for t in $(UNITS); do echo "== $$t"; \
	    EP_TEST_DATA=tests ./$$t; done

integration: edgeprobe $(LABTOOLS)
	tests/integration/run ./edgeprobe
	promtool check rules probes/examples/edgeprobe.rules.yml
	tests/integration/offline-vs-live ./edgeprobe
	tests/integration/lookup-once ./edgeprobe
	tests/integration/state-sequence ./edgeprobe
	tests/integration/outputs ./edgeprobe
	tests/integration/signals ./edgeprobe
	tests/integration/limits ./edgeprobe

# The build under AddressSanitizer/UBSan, in build/asan.
ASAN_MAKE = $(MAKE) BUILD=build/asan CFLAGS="-O1 -g \
	    -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all" LDFLAGS="-fsanitize=address,undefined"

check-sanitize:
	$(ASAN_MAKE) build/asan/edgeprobe-bin lab-tools unit
	EP_LAB_BIN=build/asan EP_JSONL=0 tests/integration/run \
	    build/asan/edgeprobe-bin
	EP_LAB_BIN=build/asan tests/integration/state-sequence \
	    build/asan/edgeprobe-bin

# Fuzzing: every reader of outside data (profiles, deployment files,
# --targets-file, the state file, names, DNS answers, certificates and
# chains, PFX, requests, OCSP responses, CRLs, AIA issuers) under
# libFuzzer with AddressSanitizer (leaks included) and UBSan, built with
# clang in build/fuzz.  `make fuzz` runs each target for FUZZ_S seconds,
# one after another in one process each, from its seeds in
# tests/fuzz/corpus/NAME, and tells per target the seconds, executions,
# coverage and what it found; an input that crashes, leaks or hangs is
# kept there as crash-SHA1, a case every later run replays.  `make
# fuzz-smoke` (part of check) replays every corpus file through every
# target and fuzzes each for FUZZ_SMOKE_S seconds.  FUZZERS="NAME..."
# runs only those.
FUZZ_S	?= 60
FUZZ_SMOKE_S ?= 5
FUZZ_MAKE = $(MAKE) BUILD=build/fuzz CC=clang CFLAGS="-O1 -g \
	    -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined"

fuzz-build:
	$(FUZZ_MAKE) $(FUZZERS:%=build/fuzz/fuzz_%)

fuzz: fuzz-build
	tests/fuzz/run build/fuzz $(FUZZ_S) $(FUZZERS)

fuzz-smoke: fuzz-build
	tests/fuzz/run -s build/fuzz $(FUZZ_SMOKE_S) $(FUZZERS)

# The validation corpus: chains made at run time, each judged offline and
# live against the verdict TLS clients reach (tests/corpus/cases).
corpus: edgeprobe $(LABTOOLS)
	tests/corpus/run ./edgeprobe

corpus-sanitize:
	$(ASAN_MAKE) build/asan/edgeprobe-bin lab-tools
	EP_LAB_BIN=build/asan tests/corpus/run build/asan/edgeprobe-bin

check-valgrind: edgeprobe $(LABTOOLS)
	EP_VALGRIND=1 tests/integration/run ./edgeprobe

check-clang:
	$(MAKE) BUILD=build/clang CC=clang build/clang/edgeprobe-bin

lint-man:
	@for m in man/*.[0-9]; do groff -mdoc -ww -z $$m || exit 1; done
	tests/integration/help-vs-man ./edgeprobe man/edgeprobe.1

# The stages' order in every #include (README.md, Architecture).
check-layers:
	tests/layers

$(BUILD)/edgeprobe-bin: $(BUILD)/main.o $(BUILD)/libedgeprobe.a
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $(BUILD)/main.o $(BUILD)/libedgeprobe.a $(LIBS)

lab-up: edgeprobe $(LABTOOLS)
	tests/lab/lab up

lab-down:
	tests/lab/lab down

# A newcomer's first look: the lab comes up, edgeprobe checks a deployment
# with a few deliberate faults, the lab goes down again.
demo: edgeprobe $(LABTOOLS)
	tests/lab/demo ./edgeprobe

# edgeprobe against a parallel gnutls-cli loop on a loopback farm of up to
# 1,000 TLS servers behind a latency relay; a few minutes.  Not in check:
# speed is measured, never asserted.
bench: edgeprobe $(LABTOOLS)
	EP_LAB_BIN=$(BUILD) tests/bench/bench ./edgeprobe
	EP_LAB_BIN=$(BUILD) tests/bench/scale ./edgeprobe

deps:
	.ci/deps

install: edgeprobe
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5
	install -m 0755 edgeprobe $(DESTDIR)$(BINDIR)/edgeprobe
	install -m 0644 man/edgeprobe.1 $(DESTDIR)$(MANDIR)/man1/edgeprobe.1
	install -m 0644 man/edgeprobe-probes.5 \
	    $(DESTDIR)$(MANDIR)/man5/edgeprobe-probes.5
	install -m 0644 man/edgeprobe.conf.5 \
	    $(DESTDIR)$(MANDIR)/man5/edgeprobe.conf.5

clean:
	rm -rf build edgeprobe

.PHONY: all check unit integration check-sanitize check-valgrind check-clang \
	lint-man check-layers corpus corpus-sanitize lab-tools lab-up lab-down \
	demo bench deps install clean fuzz fuzz-build fuzz-smoke
