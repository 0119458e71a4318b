"""Rules every page must keep: complete Chinese catalogues, no inline code, nothing off-site."""

import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "node_modules", "staticfiles", ".git", "test-artifacts"}


def _project_files(pattern: str):
    for path in ROOT.rglob(pattern):
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def _po_entries(path: Path):
    """Yield (msgid, msgstr, fuzzy, context) from a .po file; enough of the format for our
    catalogues (context is None for an entry without msgctxt)."""
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block
        fields = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgstr|msgid_plural|msgstr\[0\])\s+"(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        msgid = fields.get("msgid")
        if msgid:
            msgstr = fields.get("msgstr", fields.get("msgstr[0]", ""))
            yield msgid, msgstr, fuzzy, fields.get("msgctxt")


CATALOGUES = sorted(_project_files("zh_Hans/LC_MESSAGES/django.po"))


def test_there_are_chinese_catalogues():
    assert CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_catalogue_is_complete_and_compiled(po):
    entries = list(_po_entries(po))
    untranslated = [msgid for msgid, msgstr, _, _ in entries if not msgstr]
    fuzzy = [msgid for msgid, _, is_fuzzy, _ in entries if is_fuzzy]
    assert not untranslated, f"untranslated in {po}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {po}: {fuzzy[:10]}"
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    def lookup(msgid, context):
        return compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)

    stale = [
        msgid
        for msgid, _, _, context in entries
        if "\\" not in msgid and lookup(msgid, context) == msgid and msgid != "English"
    ]
    assert not stale, f"{po.with_suffix('.mo')} is stale; run compilemessages: {stale[:5]}"


TEMPLATES = sorted(_project_files("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
OFF_SITE = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_code_or_external_assets(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script> (CSP forbids it)"
    assert not INLINE_STYLE.search(text), "style= attribute (CSP forbids it)"
    assert not INLINE_HANDLER.search(text), "on*= handler (CSP forbids it)"
    assert not OFF_SITE.search(text), "asset loaded from another site (must work offline)"


@pytest.mark.django_db
def test_pages_speak_chinese_by_default_and_english_on_request(client):
    chinese = client.get(reverse("login")).content.decode()
    assert "登录" in chinese
    # A browser installed in English still gets Chinese until its user switches.
    english_browser = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in english_browser.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("login")).content.decode()
    assert "Log in to Dudao" in english
