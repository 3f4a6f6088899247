"""What the PACER bundle leaves out, shared by the application's spec and the bare benchmark's.

PyInstaller's PySide6 hook collects every plugin of the modules in use. Some of them drag in Qt
libraries this application never uses: the virtual-keyboard input plugin alone brings QML and
Quick (about 30 MB). They are dropped here, after analysis, by their destination path.
Qt Pdf (print preview and printing) and Qt Network, which it links to, are kept.
"""

import re

DROP = re.compile(
    r"(libQt6(Qml|Quick|VirtualKeyboard|Wayland|WlShell|EglFs)\w*\.so"
    r"|plugins/platforminputcontexts/libqtvirtualkeyboardplugin"
    r"|plugins/(networkinformation|tls|wayland-\w+|egldeviceintegrations|generic)/"
    r"|plugins/platformthemes/libqgtk3"
    r"|plugins/platforms/lib(qeglfs|qlinuxfb|qminimalegl|qvkkhrdisplay|qvnc|qwayland)\.so)"
)


def trim(toc):
    """The TOC without the entries above (each entry is (dest, source, kind))."""
    return [entry for entry in toc if not DROP.search(entry[0].replace("\\", "/"))]
