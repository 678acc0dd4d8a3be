# Installers: included by the Makefile, which defines VERSION, COMMIT and BUILD.
# See packaging/PACKAGING.md for what each artefact holds and the macOS recipe.
#
#   make package          everything below, plus SHA256SUMS, into build/dist/
#   make package-linux    fyne's .tar.xz and a .deb (nfpm)
#   make package-windows  64-bit GUI cosdrop.exe (icon, manifest, version) and an NSIS installer
#   make test-package     install, run, open and remove the .deb; inspect the Windows files
#
# Tools install themselves: Debian packages through .ci/deps.sh package, Go
# tools through `go run module@version` (pinned here). Nothing in the checkout
# is modified: fyne package (which bumps Build in FyneApp.toml) and the Windows
# build (which needs a .syso beside main.go) work on copies under build/_pkg/.

ifeq ($(VERSION)$(COMMIT)$(BUILD),)
$(error packaging.mk: include it after the Makefile defines VERSION, COMMIT and BUILD)
endif

FYNE_TOOL     := fyne.io/tools/cmd/fyne@v1.7.4
NFPM          := github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
GOVERSIONINFO := github.com/josephspurrier/goversioninfo/cmd/goversioninfo@v1.7.0

# One version everywhere: the .deb, the Windows resources, the installer and
# `cosdrop version` (stamped with -X). version.sh maps git describe to it.
# Evaluated once (the Makefile's VERSION and COMMIT re-run git on every use,
# and a commit or an edit in the middle of a run must not split the versions);
# override with `make package PKG_VERSION=... PKG_BUILDNO=...`.
ifeq ($(origin PKG_VERSION),undefined)
PKG_VERSION := $(shell packaging/version.sh pkg '$(VERSION)')
endif
PKG_NUMVER  := $(shell v='$(PKG_VERSION)'; v=$${v%%[~+-]*}; echo "$$v" | grep -Ex '[0-9]+\.[0-9]+\.[0-9]+' || echo 0.0.0)
PKG_COMMIT  := $(COMMIT)
# Build number: commits on HEAD (monotonic on a branch), passed to fyne and
# Windows explicitly instead of FyneApp.toml's self-incrementing Build.
ifeq ($(origin PKG_BUILDNO),undefined)
PKG_BUILDNO := $(shell git rev-list --count HEAD 2>/dev/null || echo 1)
endif
PKG_VERSION4 := $(PKG_NUMVER).$(PKG_BUILDNO)
PKG_LDFLAGS := -s -w -X main.version=$(PKG_VERSION) -X main.commit=$(PKG_COMMIT)
PKG_TAGS    := migrated_fynedo

DIST    := $(BUILD)/dist
# The leading underscore keeps the copied sources out of `go ... ./...`.
PKGWORK := $(BUILD)/_pkg

DEB        := $(DIST)/cosdrop_$(PKG_VERSION)-1_amd64.deb
TARBALL    := $(DIST)/CosDrop-$(PKG_VERSION)-linux-amd64.tar.xz
WIN_EXE    := $(DIST)/CosDrop-$(PKG_VERSION)-windows-amd64.exe
WIN_SETUP  := $(DIST)/CosDrop-$(PKG_VERSION)-windows-amd64-installer.exe

# Sizes for the Windows .ico (the 512 px PNG is too big for an .ico entry).
ICO_SIZES := 16 32 48 64 128 256

.PHONY: package package-linux package-windows test-package deps-package

deps-package:
	@.ci/deps.sh package

package: package-linux package-windows
	cd $(DIST) && sha256sum $(notdir $(DEB) $(TARBALL) $(WIN_EXE) $(WIN_SETUP)) >SHA256SUMS
	@echo "package: version $(PKG_VERSION) (build $(PKG_BUILDNO)); artefacts in $(DIST):"
	@cd $(DIST) && ls -l $(notdir $(DEB) $(TARBALL) $(WIN_EXE) $(WIN_SETUP)) SHA256SUMS
	@echo "macOS: build it on a Mac or the macOS workflow (packaging/PACKAGING.md); it cannot be built here."

## package-linux: the release binary once, then fyne's tarball and the .deb from it.
package-linux: deps-package
	@mkdir -p $(DIST) $(PKGWORK)/linux
	@rm -f $(DIST)/cosdrop_*_amd64.deb $(DIST)/CosDrop-*-linux-amd64.tar.xz  # other versions' artefacts
	go build -tags $(PKG_TAGS) -trimpath -ldflags '$(PKG_LDFLAGS)' -o $(PKGWORK)/linux/cosdrop .
	@# fyne package needs FyneApp.toml, the icon and a .go file in its source
	@# directory, and rewrites the toml: give it a throw-away copy.
	rm -rf $(PKGWORK)/fynesrc && mkdir -p $(PKGWORK)/fynesrc/assets
	cp FyneApp.toml main.go $(PKGWORK)/fynesrc/ && cp assets/icon.png $(PKGWORK)/fynesrc/assets/
	cd $(PKGWORK)/fynesrc && go run $(FYNE_TOOL) package --target linux --release \
	  --executable $(CURDIR)/$(PKGWORK)/linux/cosdrop --name CosDrop --app-id io.cosdrop.app \
	  --app-version $(PKG_NUMVER) --app-build $(PKG_BUILDNO)
	packaging/linux/finish-tarball.sh $(PKGWORK)/fynesrc/CosDrop.tar.xz $(TARBALL)
	PKG_VERSION='$(PKG_VERSION)' PKG_BIN='$(PKGWORK)/linux/cosdrop' \
	  go run $(NFPM) package --config packaging/nfpm.yaml --packager deb --target $(DEB)
	@ls -l $(TARBALL) $(DEB)

## package-windows: cross-built with mingw-w64; resources linked from a .syso
## that goversioninfo writes into a copy of the source tree.
package-windows: deps-package
	@mkdir -p $(DIST) $(PKGWORK)/windows
	@rm -f $(DIST)/CosDrop-*-windows-amd64.exe $(DIST)/CosDrop-*-windows-amd64-installer.exe
	python3 packaging/windows/mkico.py $(PKGWORK)/windows/cosdrop.ico $(foreach s,$(ICO_SIZES),assets/icons/cosdrop-$(s).png)
	rm -rf $(PKGWORK)/windows/src && mkdir -p $(PKGWORK)/windows/src
	tar -cf - --exclude=./build --exclude=./.git --exclude='*.syso' . | tar -xf - -C $(PKGWORK)/windows/src
	go run $(GOVERSIONINFO) -64 \
	  -icon $(PKGWORK)/windows/cosdrop.ico -manifest packaging/windows/cosdrop.exe.manifest \
	  -product-version '$(PKG_VERSION)' -file-version '$(PKG_VERSION4)' \
	  $(foreach p,ver product-ver,-$(p)-major $(word 1,$(subst ., ,$(PKG_NUMVER))) \
	    -$(p)-minor $(word 2,$(subst ., ,$(PKG_NUMVER))) -$(p)-patch $(word 3,$(subst ., ,$(PKG_NUMVER))) \
	    -$(p)-build $(PKG_BUILDNO)) \
	  -o $(PKGWORK)/windows/src/rsrc_windows_amd64.syso packaging/windows/versioninfo.json
	cd $(PKGWORK)/windows/src && GOOS=windows GOARCH=amd64 CGO_ENABLED=1 \
	  CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
	  go build -tags $(PKG_TAGS) -trimpath -ldflags '-H=windowsgui $(PKG_LDFLAGS)' -o $(CURDIR)/$(WIN_EXE) .
	makensis -V2 -WX -DVERSION='$(PKG_VERSION)' -DVERSION4='$(PKG_VERSION4)' \
	  -DEXE='$(CURDIR)/$(WIN_EXE)' -DICON='$(CURDIR)/$(PKGWORK)/windows/cosdrop.ico' \
	  -DOUTFILE='$(CURDIR)/$(WIN_SETUP)' packaging/windows/cosdrop.nsi
	@ls -l $(WIN_EXE) $(WIN_SETUP)

## test-package: see .ci/package-test.sh.
test-package: package
	PKG_VERSION='$(PKG_VERSION)' PKG_VERSION4='$(PKG_VERSION4)' DEB='$(DEB)' TARBALL='$(TARBALL)' \
	  WIN_EXE='$(WIN_EXE)' WIN_SETUP='$(WIN_SETUP)' OUT='$(PKGWORK)/test' .ci/package-test.sh
