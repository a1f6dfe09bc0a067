from ui import none_guard

# Before any widget code runs: PySide6 6.12.0 on Python 3.11 would otherwise abort the app (see none_guard).
none_guard.install()
