; Inno Setup script for the Casebook desktop client on Windows: a per-user install that needs
; no administrator rights (a social worker can run it; so can Intune in the user's context).
;
; NOT BUILT OR TESTED HERE: the development and CI machines are Linux, and PyInstaller does not
; cross-compile. See installer/windows/README.md for the steps on a Windows build machine.
;
;   iscc /DAppVersion=0.1.0 installer\windows\casebook.iss
;
; Input: dist\casebook\ from `python installer\build.py --no-packages` on Windows.
; Output: dist\casebook-<version>-windows-x64-setup.exe

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=X.Y.Z casebook.iss
#endif

[Setup]
; Never change AppId: Windows uses it to recognise upgrades and the uninstaller.
AppId={{6C1B8E0A-3F4D-4B7E-9A51-2D0C5E7F8A13}
AppName=Casebook
AppVersion={#AppVersion}
AppPublisher=Casebook
VersionInfoVersion={#AppVersion}
; Per user, no elevation: everything goes under %LOCALAPPDATA%\Programs\Casebook.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
DefaultDirName={localappdata}\Programs\Casebook
DisableDirPage=yes
DefaultGroupName=Casebook
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir=..\..\dist
OutputBaseFilename=casebook-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\casebook.ico
UninstallDisplayIcon={app}\casebook.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running Casebook holds its files open: ask it to close (it saves drafts and locks on close).
CloseApplications=yes
RestartApplications=no
; Sign setup and uninstaller when a signing tool is configured (see README.md):
; SignTool=casebooksign
; SignedUninstaller=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder build. The worker's profiles are NOT here: they live in the per-user data
; folder (%LOCALAPPDATA%\Casebook), which installing, upgrading or uninstalling never touches.
Source: "..\..\dist\casebook\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the build wholesale, so no library from an older Qt lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\Casebook"; Filename: "{app}\casebook.exe"
Name: "{autodesktop}\Casebook"; Filename: "{app}\casebook.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\casebook.exe"; Description: "{cm:LaunchProgram,Casebook}"; Flags: nowait postinstall skipifsilent
