"""Plain forms of the account pages. Rules (formats, uniqueness, strength) live in accounts.services."""

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from wanshang.accounts.selectors import login_locked


class SignupForm(forms.Form):
    login = forms.CharField(
        label=_("手机号或邮箱"),
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("11 位手机号或邮箱地址"), "autocomplete": "username"}),
    )
    nickname = forms.CharField(
        label=_("昵称"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("选填，展示给商家和其他用户")}),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        widget=forms.PasswordInput(
            attrs={"placeholder": _("至少 8 位，不能全是数字"), "autocomplete": "new-password"}
        ),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class LoginForm(forms.Form):
    login = forms.CharField(
        label=_("手机号或邮箱"),
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("手机号 / 邮箱"), "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None

    def clean(self):
        data = super().clean()
        if data.get("login") and data.get("password"):
            if login_locked(login=data["login"]):
                raise forms.ValidationError(_("密码错误次数过多，请 15 分钟后再试"))
            self.user = authenticate(self.request, username=data["login"], password=data["password"])
            if self.user is None:
                raise forms.ValidationError(_("账号或密码错误，请重新输入"))
        return data


class AddressForm(forms.Form):
    receiver = forms.CharField(label=_("收货人"), max_length=40)
    phone = forms.CharField(
        label=_("手机号"), max_length=11, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    province_code = forms.CharField(required=False, max_length=12)
    city_code = forms.CharField(required=False, max_length=12)
    district_code = forms.CharField(
        label=_("所在地区"), max_length=12, error_messages={"required": _("请选择省/市/区")}
    )
    detail = forms.CharField(
        label=_("详细地址"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("街道、楼牌号等")}),
    )
    is_default = forms.BooleanField(label=_("设为默认收货地址"), required=False)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：ERP 对接")}),
    )
