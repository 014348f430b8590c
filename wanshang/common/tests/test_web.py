"""The one path from a domain error to a page: the middleware, `form_errors` and `message_errors`."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.urls import path

from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.common.web import form_errors, message_errors


def _conflict(request):
    raise Conflict("库存刚被别人抢完了")


def _not_found_in_face(request):
    request.domain_error_page = lambda request, exc: HttpResponse(
        f"face: {exc.message}", status=exc.status_code
    )
    raise NotFound("订单不存在")


def _bug(request):
    raise ValueError("a bug, not a refusal")


urlpatterns = [
    path("boom/", _conflict),
    path("face/", _not_found_in_face),
    path("bug/", _bug),
    path("api/boom/", _conflict),
]


@pytest.mark.urls(__name__)
def test_domain_error_escaping_a_page_view_is_the_error_page_with_its_status(client):
    response = client.get("/boom/")

    assert response.status_code == 409
    assert "库存刚被别人抢完了" in response.content.decode()
    assert "抱歉，操作没有完成" in response.content.decode()


@pytest.mark.urls(__name__)
def test_a_face_puts_its_own_error_page_on_the_request(client):
    response = client.get("/face/")

    assert response.status_code == 404
    assert response.content.decode() == "face: 订单不存在"


@pytest.mark.urls(__name__)
def test_other_exceptions_and_the_api_are_left_alone(client):
    with pytest.raises(ValueError):
        client.get("/bug/")
    with pytest.raises(Conflict):  # the JSON API answers its errors itself (wanshang/api.py)
        client.get("/api/boom/")


class _Form(forms.Form):
    name = forms.CharField()


def test_form_errors_puts_the_refusal_on_its_field_and_keeps_the_status():
    form = _Form({"name": "x"})
    assert form.is_valid()

    with form_errors(form) as outcome:
        raise Conflict("名称已被占用", field="name")

    assert outcome.failed
    assert outcome.status == 409
    assert form.errors == {"name": ["名称已被占用"]}


def test_form_errors_without_a_known_field_goes_to_the_whole_form_and_lets_passthrough_out():
    form = _Form({"name": "x"})
    form.is_valid()

    with form_errors(form) as outcome:
        raise ValidationError("不能这样做", field="no_such_field")
    assert form.non_field_errors() == ["不能这样做"]
    assert outcome.status == 400

    with pytest.raises(NotFound), form_errors(form, passthrough=NotFound):
        raise NotFound("不存在")


def test_form_errors_block_that_succeeds_is_untouched():
    form = _Form({"name": "x"})
    form.is_valid()

    with form_errors(form) as outcome:
        pass

    assert not outcome.failed and outcome.status == 200 and not form.errors


def test_message_errors_turns_the_refusal_into_an_error_message(rf):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)

    with message_errors(request, prefix="操作未完成：") as outcome:
        raise Conflict("活动已结束")
    with message_errors(request, text=lambda exc: f"未更新（{exc.message}）"):
        raise Conflict("人群包已删除")

    assert outcome.failed
    assert [str(m) for m in get_messages(request)] == ["操作未完成：活动已结束", "未更新（人群包已删除）"]
