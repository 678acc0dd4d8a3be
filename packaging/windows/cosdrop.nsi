; CosDrop installer for 64-bit Windows (NSIS 3, built by `make package-windows`).
;
; makensis -DVERSION=1.2.3 -DVERSION4=1.2.3.45 -DEXE=path\cosdrop.exe -DICON=cosdrop.ico -DOUTFILE=setup.exe cosdrop.nsi
;
; Command line (see packaging/PACKAGING.md):
;   /S                    silent: no pages, no questions
;   /AllUsers             per-machine: Program Files, HKLM, all users' Start menu (needs admin)
;   /CurrentUser          per-user: %LOCALAPPDATA%\Programs, HKCU, no admin needed
;   /PROFILE=FILE         after installing, run `cosdrop.exe profile import FILE`
;   /D=DIR                install directory (must be last, unquoted: an NSIS rule)
; Exit codes: 0 installed; 1 cancelled or failed; 2 setup aborted (bad /PROFILE, not 64-bit);
;   3 installed, but the profile import failed.

; A 64-bit installer (NSIS's amd64-unicode stubs and plugins): what 64-bit
; Windows should get, and what runs under wine64 in `make test-package`
; (.ci/wine-installer-test.sh); a 32-bit setup needs 32-bit Wine.
Target amd64-unicode
ManifestDPIAware true

!ifndef VERSION | VERSION4 | EXE | ICON | OUTFILE
  !error "define VERSION, VERSION4, EXE, ICON and OUTFILE (see the top of this file)"
!endif

!define APPNAME "CosDrop"
!define APPID "io.cosdrop.app"
!define PUBLISHER "CosDrop"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"
!define SETTINGS_KEY "Software\CosDrop"
!define PROGID "CosDrop.Profile"

; Per-user or per-machine: MultiUser.nsh offers the choice on a page, reads
; /AllUsers or /CurrentUser on the command line, and points SHCTX, $SMPROGRAMS
; and the default $INSTDIR at the chosen scope. Admins default to per-machine.
!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "${APPNAME}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${SETTINGS_KEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallDir"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${SETTINGS_KEY}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallMode"
!include MultiUser.nsh
!include MUI2.nsh
!include FileFunc.nsh
!include LogicLib.nsh
!include x64.nsh

Name "${APPNAME}"
OutFile "${OUTFILE}"
BrandingText "${APPNAME} ${VERSION}"
SetCompressor /SOLID lzma

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APPNAME} installer"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "© The CosDrop team"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\cosdrop.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

LangString Need64Bit ${LANG_ENGLISH} "${APPNAME} needs 64-bit Windows."
LangString Need64Bit ${LANG_SIMPCHINESE} "${APPNAME} 需要 64 位 Windows。"
LangString NoProfile ${LANG_ENGLISH} "The profile file $ProfileFile does not exist. Nothing was installed."
LangString NoProfile ${LANG_SIMPCHINESE} "配置文件 $ProfileFile 不存在。未安装任何内容。"
LangString ImportFailed ${LANG_ENGLISH} "${APPNAME} is installed, but importing the profile $ProfileFile failed (exit code $0). Import it from ${APPNAME} or run: cosdrop profile import FILE"
LangString ImportFailed ${LANG_SIMPCHINESE} "${APPNAME} 已安装，但导入配置文件 $ProfileFile 失败（退出代码 $0）。请在 ${APPNAME} 中导入，或运行：cosdrop profile import FILE"
LangString ProfileDesc ${LANG_ENGLISH} "CosDrop profile"
LangString ProfileDesc ${LANG_SIMPCHINESE} "CosDrop 配置文件"

Var ProfileFile

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "$(Need64Bit)" /SD IDOK
    SetErrorLevel 2
    Abort
  ${EndIf}
  ; The installer is 32-bit (all NSIS stubs are): look at the 64-bit registry.
  SetRegView 64
  !insertmacro MULTIUSER_INIT

  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PROFILE=" $ProfileFile
  ${If} ${Errors}
    StrCpy $ProfileFile ""
  ${EndIf}
  ${If} $ProfileFile != ""
    ; Resolve it now, against the directory setup was started from.
    GetFullPathName $ProfileFile $ProfileFile
    ${IfNot} ${FileExists} $ProfileFile
      MessageBox MB_OK|MB_ICONSTOP "$(NoProfile)" /SD IDOK
      SetErrorLevel 2
      Abort
    ${EndIf}
  ${EndIf}
FunctionEnd

Function un.onInit
  SetRegView 64
  !insertmacro MULTIUSER_UNINIT
FunctionEnd

Section "${APPNAME}" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "/oname=cosdrop.exe" "${EXE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; SetShellVarContext (set by MultiUser) makes this the user's or all users' Start menu.
  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\cosdrop.exe" "" "$INSTDIR\cosdrop.exe" 0
  ; Explorer's "Send to > CosDrop" (the user's SendTo folder): the selected
  ; files become arguments, and a running CosDrop window takes them (single
  ; instance) instead of a second window opening.
  CreateShortcut "$SENDTO\${APPNAME}.lnk" "$INSTDIR\cosdrop.exe" "" "$INSTDIR\cosdrop.exe" 0

  ; Double-clicking a .cosdrop profile opens it in CosDrop, which imports it.
  WriteRegStr SHCTX "Software\Classes\.cosdrop" "" "${PROGID}"
  WriteRegStr SHCTX "Software\Classes\.cosdrop" "Content Type" "application/x-cosdrop-profile"
  WriteRegStr SHCTX "Software\Classes\${PROGID}" "" "$(ProfileDesc)"
  WriteRegStr SHCTX "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\cosdrop.exe,0"
  WriteRegStr SHCTX "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\cosdrop.exe" "%1"'

  WriteRegStr SHCTX "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr SHCTX "${SETTINGS_KEY}" "InstallMode" "$MultiUser.InstallMode"

  ; Apps & features. The uninstaller is told the scope, so it cleans the right hive.
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${APPNAME}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\cosdrop.exe,0"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode'
  WriteRegStr SHCTX "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode /S'
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" $0

  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)' ; SHCNE_ASSOCCHANGED
SectionEnd

; Runs as the user who started setup (elevated, for a per-machine install), so
; the profile lands in that user's %AppData%\cosdrop. It never holds a secret.
Section "-ImportProfile"
  ${If} $ProfileFile != ""
    DetailPrint "cosdrop profile import $ProfileFile"
    nsExec::ExecToLog '"$INSTDIR\cosdrop.exe" profile import "$ProfileFile"'
    Pop $0
    ${If} $0 != 0
      DetailPrint "$(ImportFailed)"
      MessageBox MB_OK|MB_ICONEXCLAMATION "$(ImportFailed)" /SD IDOK
      SetErrorLevel 3
    ${EndIf}
  ${EndIf}
SectionEnd

; Leaves the user's profiles (%AppData%\cosdrop) and keyring entries alone:
; removing the app must not remove what the user or an admin set up.
Section "Uninstall"
  Delete "$INSTDIR\cosdrop.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$SENDTO\${APPNAME}.lnk"
  ; Start at login (the app's own setting) points at the removed program.
  DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Run" "${APPNAME}"

  ReadRegStr $0 SHCTX "Software\Classes\.cosdrop" ""
  ${If} $0 == "${PROGID}"
    DeleteRegKey SHCTX "Software\Classes\.cosdrop"
  ${EndIf}
  DeleteRegKey SHCTX "Software\Classes\${PROGID}"
  DeleteRegKey SHCTX "${SETTINGS_KEY}"
  DeleteRegKey SHCTX "${UNINST_KEY}"

  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
