"""Run one upload through a reader in a fresh process and print how far it grew the process.

``python -m tests.memory_probe photo|workbook FILE`` prints JSON: the outcome (``ok`` or the
refusal) and the peak memory growth in MB while reading, measured by Linux itself (the peak
resident size, reset just before the upload is handed over). tests/test_hostile_files.py runs it.
"""

import json
import os
import sys

import django


def _memory_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    raise RuntimeError(field)


def main(kind: str, path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.test_settings")
    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dudao.photos import process_photo
    from schools.importing import IMPORTERS
    from schools.importing.workbook import ImportFileError, read_sheet

    with open(path, "rb") as handle:
        upload = SimpleUploadedFile(os.path.basename(path), handle.read())
    importer = IMPORTERS["schools"]
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # the peak resident size starts again from here
    before = _memory_kb("VmRSS")
    try:
        if kind == "photo":
            process_photo(upload, stamp_text="学校", max_bytes=50 * 1024 * 1024)
        else:
            read_sheet(
                upload,
                headers=[column.header for column in importer.columns],
                sheet_name=importer.sheet_name,
                template_label="schools",
            )
        outcome = "ok"
    except ValidationError as refused:
        outcome = refused.code
    except ImportFileError:
        outcome = "refused"
    growth_mb = (_memory_kb("VmHWM") - before) / 1024
    print(json.dumps({"outcome": outcome, "growth_mb": round(growth_mb)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
