"""The program's settings (settings.WANSHANG["AFFILIATE_*"]), read at call time so tests may override them."""

from django.conf import settings


def conf(name: str) -> int:
    return settings.WANSHANG[f"AFFILIATE_{name}"]
