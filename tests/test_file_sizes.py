"""No module of the core or of sync grows past 600 lines: a longer file has more than one job and is split by job
(as sync/client.py was into transport, outgoing, page, enrol and packets)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 600


def test_no_file_in_desktop_or_sync_is_over_600_lines():
    too_long = {}
    for room in ("desktop", "sync"):
        for path in sorted((ROOT / room).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long[str(path.relative_to(ROOT))] = lines
    assert too_long == {}, f"split these by job (over {MAX_LINES} lines): {too_long}"
