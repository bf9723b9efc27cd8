#!/usr/bin/env python3
"""Non-English corpora for the tokenizer benchmark: 1,000 lines each of French, German, Russian and Chinese from
Debian's translated manual pages (manpages-fr, -de, -ru, -zh, rendered to text with groff), and Arabic from the
Arabic message catalogs (.mo) of the packages installed here (Debian has no Arabic manual pages). Deterministic:
sorted files, fixed-seed sample of the lines of 20 to 400 characters (none starting with "{", which bertkit reads as
JSON).

    tools/make_language_corpora.py OUT_DIR      # make language-corpora (installs the manpages packages)

Writes OUT_DIR/{fr,de,ru,zh,ar}.txt.
"""
import glob
import gettext
import gzip
import os
import random
import subprocess
import sys

MAN = {"fr": "/usr/share/man/fr", "de": "/usr/share/man/de", "ru": "/usr/share/man/ru", "zh": "/usr/share/man/zh_CN"}


def man_lines(root, wanted):
    lines = []
    for path in sorted(glob.glob(os.path.join(root, "man*", "*.gz"))):
        try:
            source = gzip.open(path, "rb").read()
            text = subprocess.run(["groff", "-K", "utf8", "-man", "-Tutf8", "-P", "-cbou"], input=source, capture_output=True,
                                  timeout=20).stdout.decode("utf-8", "replace")
        except (OSError, subprocess.TimeoutExpired):
            continue
        for line in text.splitlines():
            line = " ".join(line.split())
            if 20 <= len(line) <= 400 and not line.isupper() and "\ufffd" not in line:
                lines.append(line)
        if len(lines) > wanted * 20:
            break
    return lines


def mo_lines(language):
    lines = []
    for path in sorted(glob.glob(f"/usr/share/locale/{language}*/LC_MESSAGES/*.mo")):
        try:
            catalog = gettext.GNUTranslations(open(path, "rb"))._catalog
        except (OSError, gettext.error):
            continue
        for value in catalog.values():
            for line in str(value).splitlines():
                line = " ".join(line.split())
                if 20 <= len(line) <= 400:
                    lines.append(line)
    return lines


def main():
    out = sys.argv[1]
    count = 1000
    os.makedirs(out, exist_ok=True)
    sources = {language: man_lines(root, count) for language, root in MAN.items()}
    sources["ar"] = mo_lines("ar")
    for language, lines in sources.items():
        # A line starting with "{" would be read as JSON Lines by bertkit.
        unique = sorted(set(line for line in lines if not line.startswith("{")))
        random.Random(7).shuffle(unique)
        sample = unique[:count]
        if len(sample) < count:
            sys.exit(f"{language}: only {len(sample)} lines found")
        with open(os.path.join(out, f"{language}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(sample) + "\n")
        print(f"{language}: {len(sample)} lines, {sum(len(s) for s in sample)} characters")


if __name__ == "__main__":
    main()
