"""Button copy: weak call-to-action phrases found, with stronger ones suggested."""

from wanshang.copywriting.buttons import button_findings


def test_weak_buttons_are_found_with_suggestions():
    found = button_findings("立即购买\n点击这里\n提交")
    assert [f.phrase for f in found] == ["立即购买", "点击这里", "提交"]
    assert "限量抢购" in found[0].suggestions
    assert all(f.suggestions and f.line for f in found)


def test_the_longest_phrase_wins():
    assert [f.phrase for f in button_findings("立即购买")] == ["立即购买"]  # not also 购买


def test_strong_buttons_are_left_alone():
    assert button_findings("限量抢购\n今日下单赠配件\n领券立减 马上抢") == []


def test_full_width_and_spaces_do_not_hide_a_phrase():
    assert [f.phrase for f in button_findings("立 即 购 买")] == ["立即购买"]


def test_in_body_copy_only_unmistakable_phrases_count():
    assert button_findings("购买前请先咨询客服，确认尺码后再下单，谢谢") == []
    assert [f.phrase for f in button_findings("喜欢这条裙子的朋友们请点击这里查看更多款式吧")] == [
        "点击这里",
        "查看更多",
    ]


def test_each_finding_reports_its_line():
    (f,) = button_findings("春季上新\n\n了解更多")
    assert (f.line, f.phrase) == (3, "了解更多")
