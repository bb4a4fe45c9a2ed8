"""The source strings are English: fill each empty msgstr of the English catalogue with its msgid."""

import sys

import polib


def main(path: str) -> None:
    catalogue = polib.pofile(path)
    for entry in catalogue:
        # A fuzzy entry carries the translation of an older source text: replace it too.
        stale = "fuzzy" in entry.flags
        if stale:
            entry.flags.remove("fuzzy")
        if entry.msgid_plural:
            if stale or not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        elif stale or not entry.msgstr:
            entry.msgstr = entry.msgid
    catalogue.metadata_is_fuzzy = []
    catalogue.save(path)


if __name__ == "__main__":
    main(sys.argv[1])
