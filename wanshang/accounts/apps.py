from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wanshang.accounts"
    label = "accounts"
    verbose_name = "账户"
