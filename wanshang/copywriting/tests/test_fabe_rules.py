"""FABE modules: the three-line rule, line length (a setting), headings, kinds; the HTML they make."""

import pytest

from wanshang.catalog.services import sanitize_html
from wanshang.common.errors import ValidationError
from wanshang.copywriting.fabe import clean_modules, render_html, split_lines


def mod(**kw):
    return {"kind": "feature", "heading": "面料", "lines": ["100% 新疆长绒棉"], **kw}


def test_a_line_is_a_newline_separated_line_and_blank_ones_do_not_count():
    assert split_lines("一\n\n 二 \r\n三\n") == ["一", "二", "三"]
    (m,) = clean_modules([mod(lines=None, text="一\n\n二\n三")])
    assert m.lines == ("一", "二", "三")


def test_four_lines_are_refused_with_the_reason():
    with pytest.raises(ValidationError, match="第 1 个模块有 4 行，每个模块最多 3 行"):
        clean_modules([mod(lines=["一", "二", "三", "四"])])


def test_line_length_is_a_setting(settings):
    settings.WANSHANG = {**settings.WANSHANG, "COPY_FABE_LINE_MAX_CHARS": 5}
    with pytest.raises(ValidationError, match="第 1 行有 6 个字，每行最多 5 个字"):
        clean_modules([mod(lines=["六个字六个字"])])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (mod(kind="other"), "类型须是"),
        (mod(heading=""), "请填写小标题"),
        (mod(heading="长" * 21), "小标题不超过 20 个字"),
        (mod(lines=[]), "至少写一行"),
        (mod(image_ids=[1, 2, 3, 4]), "最多 3 张"),
        (mod(image_ids=[1, 1]), "重复"),
        (mod(image_ids=["x"]), "编号无效"),
    ],
)
def test_bad_modules_are_refused(bad, message):
    with pytest.raises(ValidationError, match=message):
        clean_modules([bad])


def test_no_modules_or_not_a_list_is_refused():
    with pytest.raises(ValidationError, match="至少添加一个模块"):
        clean_modules([])
    with pytest.raises(ValidationError, match="列表"):
        clean_modules("feature")


def test_html_is_escaped_and_survives_the_catalog_sanitiser_unchanged():
    modules = clean_modules([mod(heading="<script>x</script>", lines=["a & b", "<b>粗</b>"], image_ids=[7])])
    html = render_html(modules, {7: "/media/shops/1/x.jpg"})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert sanitize_html(html) == html
    assert '<img src="/media/shops/1/x.jpg"' in html
