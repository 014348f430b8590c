"""The shared template components (wanshang/templates/components/) the three faces include."""

from django import forms
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory


class _Form(forms.Form):
    name = forms.CharField(label="名称", help_text="最多 20 字")
    default = forms.BooleanField(label="设为默认", required=False)


def _render(source: str, **context) -> str:
    return Template("{% load ws %}" + source).render(Context(context))


def test_field_shows_label_input_help_and_error():
    form = _Form({"name": ""})
    form.is_valid()

    html = _render('{% include "components/field.html" with f=form.name %}', form=form)

    assert '<label for="id_name" class="req">名称</label>' in html
    assert '<div class="help">最多 20 字</div>' in html
    assert 'class="errorlist"' in html and "必填" in html


def test_checkbox_field_is_wrapped_in_its_label():
    html = _render('{% include "components/field.html" with f=form.default %}', form=_Form())

    assert '<label class="inline-check"><input type="checkbox"' in html


def test_pagination_variants_of_the_faces():
    page = Paginator(list(range(95)), 10).get_page(3)
    request = RequestFactory().get("/orders/?status=paid&page=3")

    seller = _render(
        '{% include "components/pagination.html" with count="inside" %}', page=page, request=request
    )
    platform = _render(
        '{% include "components/pagination.html" with count="below" %}', page=page, request=request
    )
    store = _render(
        '{% include "components/pagination.html" with numbered=True %}', page=page, request=request
    )

    assert '<span class="current">3 / 10</span>' in seller and '<span class="muted">共 95 条</span>' in seller
    assert '<p class="muted small" style="text-align:center">共 95 条</p>' in platform
    assert (
        '<span class="current">3</span>' in store and "?page=4&amp;status=paid" in store and "共" not in store
    )


def test_single_page_has_no_bar_but_the_platform_still_counts():
    page = Paginator([1, 2], 10).get_page(1)
    request = RequestFactory().get("/")

    assert "pagination" not in _render(
        '{% include "components/pagination.html" %}', page=page, request=request
    )
    assert "共 2 条" in _render(
        '{% include "components/pagination.html" with count="below" %}', page=page, request=request
    )


def test_status_badge_tones_and_empty_row():
    html = _render(
        '{% status_badge "order" "paid" "待发货" %}|{% status_badge "order" "shipped" "已发货" %}|'
        '{% status_badge "application" "rejected" "已驳回" %}|'
        '{% include "components/empty_row.html" with colspan=6 text="暂无结算记录" %}'
    )

    assert html.split("|") == [
        '<span class="badge badge-warn">待发货</span>\n',
        '<span class="badge badge-info">已发货</span>\n',
        '<span class="badge">已驳回</span>\n',
        '<tr><td colspan="6" class="empty-state">暂无结算记录</td></tr>\n',
    ]
