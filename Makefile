# CosDrop build, run and test. Two commands matter on a fresh Debian/Ubuntu
# machine: `make run` and `make test`; each installs what is missing first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BUILD   := build
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
export CGO_ENABLED := 1

# Installers (make package, package-linux, package-windows, test-package).
include packaging.mk

.PHONY: run build cli debug deps deps-test test check fmt-check vet vet-windows vet-darwin staticcheck unit fuzz kill-test keyring-test gui-smoke gui-drop-test gui-paste-test gui-test gui-relaunch-test gui-journey-test tray-test gui-soak gui-soak-short screenshots bench bench-wan bench-ui kill-cost soak soak-short test-windows test-windows-short test-windows-gui screenshots-windows clean

deps:
	@.ci/deps.sh build

deps-test:
	@.ci/deps.sh test

## build: the release binary (Fyne's thread checks off: every goroutine uses fyne.Do).
build: deps
	@.ci/build.sh $(BUILD)/cosdrop -tags migrated_fynedo -trimpath -ldflags '$(LDFLAGS)'

## cli: a static, CLI-only cosdrop (no window, no cgo) for servers and NAS boxes.
cli:
	CGO_ENABLED=0 go build -tags nogui -trimpath -ldflags '$(LDFLAGS)' -o $(BUILD)/cosdrop-cli .

## debug: without migrated_fynedo, so Fyne logs any UI call from the wrong goroutine.
debug: deps
	@.ci/build.sh $(BUILD)/cosdrop-debug -ldflags '$(LDFLAGS)'

## run: build and open the app on the embedded Sandbox profile.
run: build
	@echo "Opening CosDrop on the Sandbox (a private COS on this machine: nothing leaves it)."
	$(BUILD)/cosdrop

## test: every check CI runs.
test: deps-test fmt-check vet vet-windows vet-darwin staticcheck unit test-windows-short test-windows-gui fuzz kill-test keyring-test gui-smoke gui-drop-test gui-paste-test gui-test gui-relaunch-test gui-journey-test tray-test gui-soak-short soak-short
	@echo "make test: all checks passed"

## check: the inner loop, about a minute warm: gofmt, go vet, and every package's fast tests (the import
## table of internal/arch included). -short leaves out the tests that drive the wire, the real binary or a
## retrying engine for many seconds; `make test` runs everything. Installs nothing. CHECK_FLAGS=-count=1
## ignores cached test results.
CHECK_FLAGS ?=
check: fmt-check vet
	go test -short -p 4 -parallel 4 $(CHECK_FLAGS) ./...
	@echo "make check: passed"

fmt-check:
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## vet: every package, then again with the test tags (realkeyring, clikill, soak, guisoak,
## guitest), whose files a plain vet never compiles: a rename once broke one unseen.
vet:
	go vet ./...
	go vet -tags "realkeyring clikill soak guisoak guitest" ./...

## vet-windows: go vet of every package as Windows builds it, cgo off (no mingw needed); the
## window (ui/) needs cgo and is vetted by the Windows GUI build (make package-windows).
vet-windows:
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go vet -tags nogui $$(GOOS=windows CGO_ENABLED=0 go list -e -tags nogui ./... | grep -vx cosdrop/ui)

## vet-darwin: macOS as far as Linux can go: go vet of every package as macOS builds it
## (arm64, cgo off; the window needs cgo and Apple's SDK), and the cgo-free CLI built for
## darwin/arm64 and darwin/amd64. packaging/PACKAGING.md names what has never run on a Mac.
vet-darwin:
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 go vet -tags nogui $$(GOOS=darwin CGO_ENABLED=0 go list -e -tags nogui ./... | grep -vx cosdrop/ui)
	for a in arm64 amd64; do GOOS=darwin GOARCH=$$a CGO_ENABLED=0 go build -tags nogui -trimpath -o $(BUILD)/cosdrop-cli-darwin-$$a . || exit 1; done

## test-windows: the Windows lane. The test binaries of the packages that run on Windows,
## cross-compiled and run under 64-bit Wine (.ci/wine-setup.sh installs it and prepares
## a scratch prefix in build/_wine); prints pass/fail/skip per package and the lane's time.
## test-windows-short (part of `make test`) runs the same binaries with -short.
test-windows:
	.ci/wine-test.sh all

test-windows-short:
	.ci/wine-test.sh short

## test-windows-gui: the Windows GUI exe under Wine and Xvfb: its window, an X11 drag of two files
## (one 30 MB, in parts) taken as a Windows drop and uploaded to the Sandbox, close, relaunch, a third drop;
## while it runs, `cosdrop.exe status` answers from it and a second launch hands it a fourth file.
test-windows-gui: deps-test
	.ci/wine-gui-test.sh $(BUILD)/_wingui

## screenshots-windows: README's picture of the Windows build under Wine (the same run as test-windows-gui).
screenshots-windows: deps-test
	.ci/wine-gui-test.sh $(BUILD)/_wingui docs/screenshots/windows-wine.png

staticcheck:
	go run $(STATICCHECK) ./...

## unit: -timeout above go test's default 10 minutes a package: uploader alone took 6.4-7.9 minutes
## under -race beside other work, and a package's wall time is not what these tests check.
unit:
	go test -race -count=1 -timeout 30m ./...

## fuzz: every fuzz target for FUZZTIME calls each (go test -fuzz takes one target per run; ~1.5 min
## in all). A count, not a duration: Go 1.26's fuzz coordinator can fail a target with "context
## deadline exceeded" when a wall-clock -fuzztime ends under load (https://go.dev/issue/75804, fixed
## in Go 1.27; it failed a `make test` here beside a second one). Their seed corpora (f.Add and
## testdata/fuzz/) also run in `unit`. A Fuzz function missing from FUZZ_TARGETS, or listed under
## another package, fails the run, so a new parser's target cannot be forgotten or fuzz nothing.
FUZZTIME ?= 5000x
FUZZ_TARGETS := auth:FuzzParseSTS profile:FuzzParseBandwidthSchedule auth:FuzzSignAnswer auth:FuzzPolicyLimits profile:FuzzParseProfileExport \
  uploader:FuzzCOSResponse uploader:FuzzRecordCodec uploader:FuzzRawSalvage uploader:FuzzKeyMapping session:FuzzPrintable session:FuzzLinkTemplate
fuzz:
	@for f in $$(grep -rhoE '^func Fuzz[A-Za-z0-9_]+' --include='*_test.go' . | sed 's/^func //' | sort -u); do \
	  case " $(FUZZ_TARGETS) " in *":$$f "*) ;; *) echo "fuzz: $$f is not in FUZZ_TARGETS (Makefile)"; exit 1;; esac; done
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t#*:}; \
	  grep -qs "^func $$fn(" $$pkg/*_test.go || { echo "fuzz: $$fn is not in ./$$pkg (FUZZ_TARGETS, Makefile)"; exit 1; }; done
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t#*:}; echo "fuzz: $$fn (./$$pkg, $(FUZZTIME))"; \
	  go test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 200x ./$$pkg/ || exit 1; done

## kill-test: kill -9 the real `cosdrop upload` mid-file, rerun, check nothing acknowledged is re-sent.
kill-test:
	go test -count=1 -tags clikill -run TestCLIKill9 ./uploader/

keyring-test:
	@.ci/keyring-test.sh

gui-smoke: debug deps-test
	.ci/gui-smoke.sh $(BUILD)/cosdrop-debug $(BUILD)/smoke

## tray-test: the real app under Xvfb with a private session bus and a stand-in tray: --background
## registers its icon and stays hidden, Show window shows it, Quit ends it.
tray-test: debug deps-test
	.ci/tray-test.sh $(BUILD)/cosdrop-debug $(BUILD)/tray

## bench: throughput and memory against localcos (not part of `make test`); prints the README table.
## gui-drop-test: a real X11 drag-and-drop of two files onto the window; both must upload.
gui-drop-test: debug deps-test
	.ci/gui-drop-test.sh $(BUILD)/cosdrop-debug $(BUILD)/drop

## gui-paste-test: a PNG put on the X clipboard by xclip, pasted with Ctrl+V into the real window,
## uploaded to the Sandbox; its link lands on the X clipboard and serves the same bytes.
gui-paste-test: debug deps-test
	.ci/gui-paste-test.sh $(BUILD)/cosdrop-debug $(BUILD)/paste

## gui-test: the real window under Xvfb: dropdowns opened while uploads run, keyboard-only use,
## Chinese; saving the active profile, an unreachable credential server; plus the CJK glyph
## coverage of the system fonts Fyne falls back to.
gui-test: debug deps-test
	go test -tags guitest -count=1 -run '^TestChineseGlyphsCovered$$' ./ui/
	.ci/gui-test.sh $(BUILD)/cosdrop-debug $(BUILD)/gui-test
	.ci/gui-profile-test.sh $(BUILD)/cosdrop-debug $(BUILD)/gui-test

## gui-relaunch-test: launch twice in the same HOME and upload both times.
gui-relaunch-test: debug deps-test
	.ci/gui-relaunch-test.sh $(BUILD)/cosdrop-debug $(BUILD)/gui-test

## gui-journey-test: the admin-to-staff journey in the real window: a profile exported, imported by the
## Import dialog and by a drop, Test connection under the sample STS grant (nothing left behind),
## files dropped, links copied (verified uploads only), one deleted from History, two relaunches.
gui-journey-test: debug deps-test
	.ci/gui-journey-test.sh $(BUILD)/cosdrop-debug $(BUILD)/gui-journey

## screenshots: the PNGs README.md shows (main window, details, profile editor; English and Chinese).
screenshots: debug deps-test
	.ci/screenshots.sh $(BUILD)/cosdrop-debug docs/screenshots
	COSDROP_SHOTS=$(CURDIR)/docs/screenshots go test -count=1 -run '^TestREADMEPictures$$' ./ui/

bench: deps-test
	.ci/bench.sh

## bench-wan: CosDrop's defaults vs the Go SDK's tuned peer through internal/linesim, a simulated
## line (RTT, shared upstream capacity, handshake per connection); prints README's WAN table and the kill cost (~7 min).
bench-wan:
	.ci/bench-wan.sh

## bench-ui: what the window's goroutines spend on a drop's first 2,000 rows (the first screenful: apply
## and frame, screen-ms; a progress tick after it; a second drop), with the rows built and fonts parsed
## for the first screenful, on 100,000 queued tasks and on a tick while 8 upload (the test driver, no
## display needed; ~1 min).
bench-ui:
	go test -run '^$$' -bench 'Drop2000|Add100k|Tick100k' -benchtime 3x -count 3 ./ui/

## kill-cost: the cost of a SIGKILL on the wire with the defaults (~3 minutes): the real binary uploads
## 1 GiB through internal/linesim at 40 ms / 12 MiB/s, is killed at 40 %, and resumes; prints bytes on the
## line / file size (goal <= 1.02x), MiB lost and the link efficiency. Also run by `make bench-wan`.
kill-cost:
	go test -tags clikill -count=1 -run '^$$' -bench '^BenchmarkKillCost$$' -benchtime 1x -timeout 30m ./uploader/

## soak: ~20 minutes (not part of `make test`), two soaks: `cosdrop upload` on its defaults of 10,000 small
## files and 3 x 256 MiB (SOAK_LARGE_SIZE=1GiB for the full size), then on the project's own setting (seed
## 2718, 3,000 small files, 4 requests x 8 MiB pinned), to serve-local under faults over a 4 MiB/s line
## (internal/linesim), SIGKILLed every 15-45 s (at least 8 times, 2 aimed at Complete, 1 at Initiate) and rerun until it
## exits 0; then every object is downloaded and hashed. Prints the README tables. SOAK_SEED, SOAK_SMALL and
## SOAK_BANDWIDTH adjust them; a kill that costs more than the bound the engine claims fails them; logs in build/soak/.
soak: deps-test
	go build -o $(BUILD)/soak/cosdrop .
	SOAK_BIN=$(CURDIR)/$(BUILD)/soak/cosdrop SOAK_OUT=$(CURDIR)/$(BUILD)/soak \
	  go test -tags soak -count=1 -timeout 90m -v -run '^TestSoak(Project)?$$' ./internal/soak/

## soak-short: the defaults in about 2 minutes (300 small files, 2 x 48 MiB, a 2 MiB/s line, kills every 3-8 s,
## at least 8, 2 aimed at Complete, 1 at Initiate); part of `make test`.
soak-short: deps-test
	go build -o $(BUILD)/soak/cosdrop .
	@SOAK_BIN=$(CURDIR)/$(BUILD)/soak/cosdrop SOAK_OUT=$(CURDIR)/$(BUILD)/soak \
	  go test -tags soak -count=1 -timeout 30m -v -run '^TestSoakShort$$' ./internal/soak/ \
	  || { echo "soak-short FAILED: see 'SOAK FAILED' or 'SOAK COULD NOT RUN' above (seed to repeat, logs in $(BUILD)/soak/TestSoakShort)"; exit 1; }

## gui-soak: the soak through the window (~15 minutes; not part of `make test`): the real app
## under Xvfb on an STS profile to serve-local under the fault plan; folders of 2,000 small files
## and 3 x 256 MiB at 2 MiB/s dropped by XDND over the first launches, the app SIGKILLed every 20-60 s and relaunched;
## then every object is downloaded and hashed, no upload left open, the journal checked.
gui-soak: debug deps-test
	SOAK_BIN=$(CURDIR)/$(BUILD)/cosdrop-debug SOAK_OUT=$(CURDIR)/$(BUILD)/soak .ci/with-xvfb.sh \
	  go test -tags soak,guisoak -count=1 -timeout 60m -v -run '^TestGUISoak$$' ./internal/soak/

## gui-soak-short: the same in 1-2 minutes (300 small files, 2 x 32 MiB, kills every 4-9 s); part of `make test`.
gui-soak-short: debug deps-test
	@SOAK_BIN=$(CURDIR)/$(BUILD)/cosdrop-debug SOAK_OUT=$(CURDIR)/$(BUILD)/soak .ci/with-xvfb.sh \
	  go test -tags soak,guisoak -count=1 -timeout 30m -v -run '^TestGUISoakShort$$' ./internal/soak/ \
	  || { echo "gui-soak-short FAILED: see 'SOAK FAILED' or 'SOAK COULD NOT RUN' above (logs in $(BUILD)/soak/TestGUISoakShort)"; exit 1; }

clean:
	rm -rf $(BUILD)
