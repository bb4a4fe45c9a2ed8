"""The message catalogues are complete, keep their placeholders, and the Chinese pages read in Chinese."""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
CATALOGUE_IDS = [path.parent.parent.name for path in CATALOGUES]

# printf-style placeholders (%(name)s, %(count)d, %d, %s …) and brace-format ones ({name}); "%%" is a literal.
PLACEHOLDER = re.compile(r"%%|%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]|\{[^{}\s]*\}")


def live_entries(catalogue):
    return [entry for entry in catalogue if not entry.obsolete]


def placeholders(text: str) -> Counter:
    return Counter(match for match in PLACEHOLDER.findall(text) if match != "%%")


def is_translated(entry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def test_both_catalogues_exist():
    assert {"en", "zh_Hans"} <= set(CATALOGUE_IDS)


@pytest.mark.parametrize("path", CATALOGUES, ids=CATALOGUE_IDS)
def test_no_entry_is_untranslated(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in live_entries(catalogue) if not is_translated(entry)]
    assert untranslated == [], f"{path}: {len(untranslated)} untranslated: {untranslated}"


@pytest.mark.parametrize("path", CATALOGUES, ids=CATALOGUE_IDS)
def test_no_entry_is_fuzzy(path):
    catalogue = polib.pofile(str(path))
    assert not catalogue.metadata_is_fuzzy, f"{path}: the header is marked fuzzy"
    fuzzy = [entry.msgid for entry in live_entries(catalogue) if "fuzzy" in entry.flags]
    assert fuzzy == [], f"{path}: {len(fuzzy)} fuzzy: {fuzzy}"


def test_the_chinese_catalogue_has_one_plural_form():
    catalogue = polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"))
    assert catalogue.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    wrong = [entry.msgid for entry in live_entries(catalogue) if entry.msgid_plural and set(entry.msgstr_plural) != {0}]
    assert wrong == [], f"plural entries without exactly one form: {wrong}"


@pytest.mark.parametrize("path", CATALOGUES, ids=CATALOGUE_IDS)
def test_translations_keep_every_placeholder(path):
    catalogue = polib.pofile(str(path))
    single_form = "nplurals=1" in catalogue.metadata.get("Plural-Forms", "").replace(" ", "")
    mismatches = []
    for entry in live_entries(catalogue):
        if entry.msgid_plural:
            for index, text in sorted(entry.msgstr_plural.items()):
                source = entry.msgid if index == 0 and not single_form else entry.msgid_plural
                if text and placeholders(text) != placeholders(source):
                    mismatches.append(f"{entry.msgid!r} [{index}]: {text!r}")
        elif entry.msgstr and placeholders(entry.msgstr) != placeholders(entry.msgid):
            mismatches.append(f"{entry.msgid!r}: {entry.msgstr!r}")
    assert mismatches == [], f"{path}: placeholders differ in {mismatches}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "chinese"),
    [
        ("/", ["工作台", "客户", "待您审批", "客户体验中心管理系统"]),
        ("/customers/", ["客户", "客户等级", "所属行业", "同意参与调研", "筛选"]),
    ],
)
def test_pages_render_in_chinese(as_user, director, url, chinese):
    response = as_user(director).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="zh-hans"' in page
    missing = [text for text in chinese if text not in page]
    assert missing == [], f"{url}: Chinese text missing: {missing}"
    english = [word for word in ["Dashboard", "Customers", "Approvals", "Departments", "Log out"] if word in page]
    assert english == [], f"{url}: English navigation left in the Chinese page: {english}"
