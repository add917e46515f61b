"""Interface translations: the pages switch language, and the committed catalogues are
complete and compiled. After adding or changing a translatable string, run
``python -m jiuzhu.core.i18n_build`` and add the English to ``jiuzhu/locale/en.yaml``.
"""

import re
import shutil

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from jiuzhu.core.i18n_build import LANGUAGES, LOCALE, placeholders, source_msgids

BUILD = "run `python -m jiuzhu.core.i18n_build` (and add the English to jiuzhu/locale/en.yaml)"
LATIN = re.compile(r"[A-Za-z]")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def translations(entries) -> dict[tuple[str | None, str], object]:
    """msgctxt/msgid → msgstr (a tuple of the forms for a plural msgid)."""
    return {
        (e.msgctxt, e.msgid): (tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural))
                               if e.msgid_plural else e.msgstr)
        for e in entries
    }


def forms(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def choose(client, language: str) -> None:
    """The language switch sets the language cookie (Accept-Language does not count)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def test_login_page_in_english(client):
    choose(client, "en")
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert "Log in" in page
    assert "Staff login" in page
    assert "登录" not in page


def test_login_page_in_traditional_chinese(client):
    choose(client, "zh-hant")
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hant"
    page = response.content.decode()
    assert "登錄" in page
    assert "登录" not in page


def test_login_page_in_simplified_chinese_by_default(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "登录" in page
    assert "Log in" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_a_translation_for_every_msgid(language):
    po = catalogue(language)
    assert len(po) > 0
    untranslated = [e.msgid for e in po
                    if e.obsolete or "fuzzy" in e.flags or not all(forms(e))
                    or (e.msgid_plural and len(e.msgstr_plural) != (2 if language == "en" else 1))]
    assert not untranslated, f"{language}: no translation for {untranslated}; {BUILD}"


def test_english_catalogue_is_english():
    not_english = [e.msgid for e in catalogue("en") if not all(LATIN.search(f) for f in forms(e))]
    assert not not_english, f"msgstr without English for {not_english}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    broken = [e.msgid for e in catalogue(language) if "python-format" in e.flags
              and any(placeholders(f) != placeholders(e.msgid_plural or e.msgid)
                      for f in forms(e))]
    assert not broken, f"{language}: placeholders differ in {broken}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_po(language):
    po = catalogue(language)
    compiled = polib.mofile(po.to_binary())
    committed = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    assert translations(committed) == translations(compiled), f"{language}: .mo is stale; {BUILD}"
    assert committed.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogues_hold_every_string_of_the_sources():
    in_sources = source_msgids()
    assert in_sources, "extraction found no strings"
    for language in LANGUAGES:
        in_catalogue = {e.msgid for e in catalogue(language)}
        assert in_sources == in_catalogue, (
            f"{language}: not extracted {sorted(in_sources - in_catalogue)}, "
            f"no longer used {sorted(in_catalogue - in_sources)}; {BUILD}")
