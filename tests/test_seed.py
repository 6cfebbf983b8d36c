"""The 2024 data renders to the published report: every difference is a listed erratum."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from generator.chinese import differences, normalize
from generator.importer.reading import strip_web_chrome
from generator.writers import text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_4d44c9ce54bb60c3.txt"
ERRATA = yaml.safe_load((ROOT / "seeds" / "errata.yaml").read_text(encoding="utf-8"))
_HAN_OR_DIGIT = re.compile(r"[\u4e00-\u9fff0-9]")


@pytest.fixture(scope="module")
def seed() -> str:
    return normalize(strip_web_chrome(SEED.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def ours(document_2024) -> str:
    return normalize(text.render(document_2024))


def test_seed_is_the_published_copy():
    shared = ROOT.parent / "shared" / "seeds" / SEED.name
    if shared.exists():
        assert SEED.read_bytes() == shared.read_bytes()


def test_rendered_text_equals_seed_after_errata(seed, ours):
    corrected = seed
    for entry in ERRATA:
        before, after = normalize(entry["seed"]), normalize(entry["ours"])
        assert corrected.count(before) == 1, f"erratum no longer occurs exactly once in the seed: {entry['seed']}"
        assert after in ours, f"erratum's correction is not in our text: {entry['ours']}"
        corrected = corrected.replace(before, after)
    assert differences(corrected, ours) == []


@pytest.mark.parametrize("entry", ERRATA, ids=lambda e: e["seed"][:12])
def test_errata_never_drop_han_characters_or_digits(entry):
    seed_chars = Counter(_HAN_OR_DIGIT.findall(entry["seed"]))
    our_chars = Counter(_HAN_OR_DIGIT.findall(entry["ours"]))
    assert not seed_chars - our_chars, f"an erratum drops {seed_chars - our_chars}"
    assert entry["why"].strip()


def test_web_chrome_lines_are_the_only_lines_left_out():
    raw = SEED.read_text(encoding="utf-8")
    dropped = [line for line in raw.splitlines() if line not in strip_web_chrome(raw).splitlines()]
    assert sorted(normalize(line) for line in dropped) == sorted(["分享:", "相关阅读:", "扫一扫在手机打开当前页"])
