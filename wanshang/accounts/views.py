"""Account pages: sign up, log in / out, the account centre, addresses (with a region picker), API tokens.

A service's refusal goes the faces' one way (wanshang/common/web.py): onto the form with `form_errors`, into a
message with `message_errors`, and a NotFound (another user's address or token) to DomainErrorMiddleware's
error page.
"""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from wanshang.accounts import selectors, services
from wanshang.accounts.forms import AddressForm, LoginForm, SignupForm, TokenForm
from wanshang.common.errors import NotFound
from wanshang.common.web import form_errors, message_errors
from wanshang.fulfillment.selectors import region_children

BACKEND = "wanshang.accounts.backends.PhoneOrEmailBackend"
NEW_TOKEN_KEY = "ws_new_api_token"


def _next_url(request, default="storefront:home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def signup(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            user = services.user_register(
                login=data["login"], password=data["password"], nickname=data["nickname"]
            )
            auth_login(request, user, backend=BACKEND)
            messages.success(request, _("注册成功，欢迎来到万商！"))
            return redirect(_next_url(request))
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request)})


def login(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.user, backend=BACKEND)
        return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@require_POST
def logout(request):
    auth_logout(request)
    messages.info(request, _("你已退出登录"))
    return redirect("storefront:home")


@login_required
def home(request):
    return render(
        request,
        "accounts/home.html",
        {
            "address": selectors.address_default(user=request.user),
        },
    )


# --- addresses ---------------------------------------------------------------------------------------------------


@login_required
def addresses(request):
    return render(
        request,
        "accounts/addresses.html",
        {
            "addresses": selectors.address_list(user=request.user),
            "next": _next_url(request, default="accounts:addresses"),
        },
    )


def _region_lists(province: str, city: str) -> dict:
    return {
        "provinces": region_children(parent_code=None),
        "cities": region_children(parent_code=province) if province else [],
        "districts": region_children(parent_code=city) if city else [],
    }


def _address_page(request, form, *, address=None):
    values = form.data if form.is_bound else form.initial
    province, city = str(values.get("province_code") or ""), str(values.get("city_code") or "")
    return render(
        request,
        "accounts/address_form.html",
        {
            "form": form,
            "address": address,
            "province": province,
            "city": city,
            "district": str(values.get("district_code") or ""),
            "next": _next_url(request, default="accounts:addresses"),
            **_region_lists(province, city),
        },
    )


def _save_address(request, form, *, address_id=None):
    data = form.cleaned_data
    fields = {k: data[k] for k in ("receiver", "phone", "district_code", "detail", "is_default")}
    if address_id is None:
        services.address_create(user=request.user, **fields)
    else:
        services.address_update(user=request.user, address_id=address_id, **fields)


@login_required
def address_create(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            _save_address(request, form)
            messages.success(request, _("收货地址已保存"))
            return redirect(_next_url(request, default="accounts:addresses"))
    return _address_page(request, form)


@login_required
def address_edit(request, address_id):
    address = selectors.address_get(user=request.user, address_id=address_id)
    initial = {
        k: getattr(address, k)
        for k in ("receiver", "phone", "province_code", "city_code", "district_code", "detail", "is_default")
    }
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_errors(form, passthrough=NotFound):
            _save_address(request, form, address_id=address.pk)
            messages.success(request, _("收货地址已更新"))
            return redirect(_next_url(request, default="accounts:addresses"))
    return _address_page(request, form, address=address)


def _address_action(request, action, success: str):
    with message_errors(request, passthrough=NotFound):
        action()
        messages.success(request, success)
    return redirect(_next_url(request, default="accounts:addresses"))


@login_required
@require_POST
def address_delete(request, address_id):
    return _address_action(
        request,
        lambda: services.address_delete(user=request.user, address_id=address_id),
        _("收货地址已删除"),
    )


@login_required
@require_POST
def address_set_default(request, address_id):
    return _address_action(
        request,
        lambda: services.address_set_default(user=request.user, address_id=address_id),
        _("已设为默认地址"),
    )


@require_GET
def regions(request):
    """Children of a region for the cascading picker: ?parent=<code> (empty → provinces)."""
    parent = (request.GET.get("parent") or "").strip()[:12]
    rows = region_children(parent_code=parent or None)
    response = JsonResponse({"regions": [{"code": r.code, "name": r.name} for r in rows]})
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- API tokens -----------------------------------------------------------------------------------------------


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = services.api_token_create(user=request.user, name=form.cleaned_data["name"] or "api")
        request.session[NEW_TOKEN_KEY] = key
        return redirect("accounts:tokens")
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.api_token_list(user=request.user),
            "new_key": request.session.pop(NEW_TOKEN_KEY, None),
        },
    )


@login_required
@require_POST
def token_revoke(request, token_id):
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("令牌已删除，使用它的程序将无法再访问"))
    return redirect("accounts:tokens")
