"""The vendored web font covers GB 2312 and every character the interface uses, and the
layout names it after the system fonts."""

from pathlib import Path

import pytest

from jiuzhu.core import webfont

pytest.importorskip("brotli")  # reading WOFF2 needs it (a dev dependency)


@pytest.fixture(scope="module")
def covered() -> set[str]:
    from fontTools.ttLib import TTFont

    return {chr(c) for c in TTFont(str(webfont.TARGET)).getBestCmap()}


def test_the_font_covers_gb2312_and_the_interface(covered):
    missing = (webfont.gb2312() | webfont.used_characters()) - covered
    # Noto Sans CJK itself lacks a handful of GB 2312 symbols (none of them used).
    assert not (webfont.used_characters() - covered), (
        "run `python -m jiuzhu.core.webfont`: the web font lacks "
        + "".join(sorted(webfont.used_characters() - covered)))
    assert len(missing) < 20


def test_the_layout_falls_back_to_it_after_the_system_fonts():
    css = (Path(webfont.ROOT) / "core" / "static" / "jiuzhu" / "site.css").read_text()
    assert webfont.TARGET.name in css
    stack = css.split("--jz-font:", 1)[1].split(";", 1)[0]
    assert stack.index("Microsoft YaHei") < stack.index("Jiuzhu Noto Sans SC") < stack.index("sans-serif")
