#!/usr/bin/env python3
"""Screenshots of the import wizard, in kk and ru, on a messy volunteers workbook made up by the test fixtures
(tests/importing/messy.py) with one of its people already on file: the column mapping, the dry run with a refused
row, warnings and duplicate pairs (in the file and against the database), and
the result with the report and undo. Run offscreen:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/import_screenshots.py docs/screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out: str) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop import clock, people, roles
    from desktop.settings import Settings
    from desktop.store import Store
    from tests.importing import messy
    from ui.context import AppContext
    from ui.fonts import register_fonts
    from ui.importing import wizard as wz
    from ui.importing.steps import DIFFERENT
    from ui.qt_i18n import apply_language
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication(sys.argv[:1])
    register_fonts(app)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for lang in ("kk", "ru"):
        work = Path(tempfile.mkdtemp(prefix="dostyq-import-"))
        db = work / "house.sqlite"
        store = Store(db)
        store.set_house("KZ-55-01")
        # Someone already on file, as the first row of the workbook: a pair against the database.
        form = {"surname": "Иванова", "name": "Айгүл", "patronymic": "Сериковна", "iin": messy.IIN_A}
        people.create_person(store, form, today=clock.today())
        runner = TaskRunner(lambda db=db: Store(db))
        ctx = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
        apply_language(lang)

        def settle(wizard, step: int, runner=runner) -> None:
            while wizard.stack.currentIndex() != step or not runner.is_idle():
                app.processEvents()
            for _ in range(10):
                app.processEvents()

        wizard = wz.ImportWizard(ctx, "volunteers")
        wizard.resize(1366 - 40, 768 - 60)
        wizard.show()
        wizard.choose_file(str(messy.volunteers_xlsx(work / "volunteers.xlsx")))
        wizard.next_button.click()
        settle(wizard, wz.SHEET_STEP)
        wizard.next_button.click()
        settle(wizard, wz.HEADER_STEP)
        wizard.next_button.click()
        settle(wizard, wz.MAPPING_STEP)
        wizard.grab().save(str(out_dir / f"import_mapping_{lang}.png"))
        wizard.next_button.click()
        settle(wizard, wz.DRY_RUN_STEP)
        combo = wizard.dry_run_step.decision_combos[-1]
        combo.setCurrentIndex(combo.findData(DIFFERENT))
        settle(wizard, wz.DRY_RUN_STEP)
        wizard.grab().save(str(out_dir / f"import_dry_run_{lang}.png"))
        wizard.next_button.click()
        settle(wizard, wz.RESULT_STEP)
        wizard.save_report(str(work / "report.xlsx"))
        while not wizard.result_step.notice.text():
            app.processEvents()
        settle(wizard, wz.RESULT_STEP)
        wizard.grab().save(str(out_dir / f"import_report_{lang}.png"))
        wizard.close()
        runner.shutdown()
        store.close()
    apply_language("en")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
