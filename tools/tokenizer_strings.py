"""Test strings for the tokenizer parity fixtures: every script we could find, combining marks, emoji sequences,
control and zero-width characters, whitespace runs, special tokens inside text, very long inputs.

Deterministic for a given `random.Random`. Standard library only; imported by tools/make_tokenizer_fixtures.py.
"""

SCRIPTS = [
    # Latin with diacritics, ligatures, case oddities
    "hello", "world", "The", "quick", "brown", "fox", "don't", "U.S.A.", "e-mail", "naïve", "café", "résumé",
    "Ångström", "Øre", "straße", "İstanbul", "ıi", "ǅungla", "ﬁnance", "Œuvre", "Tiếng Việt", "Ðàn", "Łódź",
    "Čeština", "Română", "façade", "l'été", "aujourd'hui", "où", "Noël", "ça", "æsthetic", "ŉ", "ẞ",
    # Greek, Cyrillic, Armenian, Georgian
    "ΣΊΣΥΦΟΣ", "Ελληνικά", "ἀρχή", "ὅτι", "Москва", "Привет", "Ёлка", "Україна", "Հայերեն", "ქართული",
    # Right-to-left
    "مرحبا", "العربية", "שלום", "עִבְרִית", "ܐܪܡܝܐ", "ދިވެހި", "ߒߞߏ",
    # Indic and South-East Asian
    "नमस्ते", "हिन्दी", "বাংলা", "ਪੰਜਾਬੀ", "ગુજરાતી", "ଓଡ଼ିଆ", "தமிழ்", "తెలుగు", "ಕನ್ನಡ", "മലയാളം", "සිංහල",
    "ภาษาไทย", "ລາວ", "ខ្មែរ", "မြန်မာ", "བོད་ཡིག", "ᠮᠣᠩᠭᠣᠯ",
    # East Asian
    "中文", "東京タワー", "日本語のテキスト", "한국어", "안녕하세요", "漢字かなカナ", "ｆｕｌｌｗｉｄｔｈ", "ｶﾀｶﾅ", "𠀋𡈽", "각",
    # Other scripts
    "ᎠᏂᏴᏫ", "ᚠᚢᚦ", "ⴰⵎⴰⵣⵉⵖ", "ሰላም", "ꦗꦮ", "𐌰𐌱𐌲", "ᐃᓄᒃᑎᑐᑦ", "⠓⠑⠇⠇⠕",
    # Numbers and symbols
    "①②③", "x²", "½", "Ⅻ", "٣٤٥", "१२३", "3.14159", "1,000,000", "€100", "$5.99", "¥500", "±", "∑∫√", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "𝟙𝟚𝟛", "©", "™", "℃", "№", "…", "—", "–", "«guillemets»", "„quotes“", "'single'", "\"double\"", "¿Qué?",
    "¡Hola!", "·", "§", "¶", "...", "!!!", "?!", "(parens)", "[brackets]", "{braces}", "<html>", "@user", "#hashtag",
    "http://example.com/a?b=c", "C++", "x86_64", "snake_case", "CamelCase", "it's", "we'll", "they're", "I've",
    # Combining marks, decomposed and stacked
    "e\u0301", "a\u0308\u0323", "\u1e9b\u0323", "n\u0303o", "Z\u0351\u036b\u0343\u036a", "o\u0338", "\u0301alone",
    "क\u093c", "\u0e01\u0e34\u0e4a",
    # Emoji and their sequences
    "😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "🇯🇵🇺🇸", "❤️", "🥰", "🧑🏿‍🚀", "🏳️‍🌈", "#️⃣", "🫠", "👩🏽‍💻",
    # Whitespace, control, zero-width, odd code points
    "\t", "\n", "\r\n", "  ", "   ", "\u00a0", "\u2003", "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
    "\u00ad", "\x00", "\x07", "\x1b", "\x1e", "\x7f", "\u0085", "\u2028", "\ufffd", "\ue000", "\U000e0001",
    "\u0378", "\U0010fffd", "\u202e", "\u061c",
    # Long words
    "antidisestablishmentarianism", "pneumonoultramicroscopicsilicovolcanoconiosis", "Donaudampfschifffahrt",
    "anticonstitutionnellement",
]

WHITESPACE = [" ", " ", " ", " ", "", "  ", "\t", ", ", "\n", "   ", "\u3000", "\u00a0", " \n ", ". "]


def random_code_point(rng):
    while True:
        c = rng.choice([rng.randint(0x20, 0x2FF), rng.randint(0x300, 0x3000), rng.randint(0x3000, 0xFFFF),
                        rng.randint(0x10000, 0x10FFFF), rng.randint(0, 0x20)])
        if not 0xD800 <= c <= 0xDFFF:
            return chr(c)


def random_string(rng, specials, prose):
    """One test string; `specials` are the tokenizer's added tokens, `prose` lines of real text."""
    kind = rng.random()
    if kind < 0.02:
        return ""
    if kind < 0.05:
        return "".join(rng.choice([" ", "\t", "\n", "\u3000", "\u00a0", "\u200b", "\r"]) for _ in range(rng.randint(1, 8)))
    if kind < 0.07:
        return "".join(random_code_point(rng) for _ in range(rng.randint(1, 30)))
    if kind < 0.08:
        word = rng.choice(["a" * 99 + "b", "x" * 150, "é" * 101, "中" * 120, "ab" * 300, "😀" * 50])
        return word
    if kind < 0.28:
        line = rng.choice(prose)
        if rng.random() < 0.3 and specials:
            words = line.split(" ")
            at = rng.randint(0, len(words))
            words.insert(at, rng.choice(specials))
            line = rng.choice([" ", "", "  "]).join(words) if rng.random() < 0.3 else " ".join(words)
        return line
    n = rng.randint(1, 14)
    parts = []
    for _ in range(n):
        r = rng.random()
        if r < 0.08 and specials:
            parts.append(rng.choice(specials))
        elif r < 0.12:
            parts.append(random_code_point(rng))
        else:
            parts.append(rng.choice(SCRIPTS))
        parts.append(rng.choice(WHITESPACE))
    return "".join(parts)


def long_string(rng, prose, length):
    """A very long input assembled from prose and script samples."""
    out = []
    size = 0
    while size < length:
        piece = rng.choice(prose) if rng.random() < 0.7 else rng.choice(SCRIPTS)
        out.append(piece)
        size += len(piece) + 1
    return " ".join(out)
