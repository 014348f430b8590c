"""Demo accounts: the platform operator and the buyers, all with one memorable password."""

from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth import base_user

from wanshang.accounts.selectors import user_find_by_login
from wanshang.accounts.services import address_create, user_register
from wanshang.demo import content
from wanshang.demo.backdate import user_backdate
from wanshang.merchants.services import operator_grant

DEMO_PASSWORD = "Wanshang#2026"
OPERATOR_PHONE = "13800000000"
OPERATOR_NICKNAME = "万商平台运营"
DEMO_BUYER_PHONE = "13900000000"
DEMO_BUYER = {
    "phone": DEMO_BUYER_PHONE,
    "nickname": "小万（演示买家）",
    "addresses": [
        {
            "receiver": "万小商",
            "phone": DEMO_BUYER_PHONE,
            "district_code": "330106",
            "detail": "文三路478号华星时代广场A座1202",
            "is_default": True,
        },
        {
            "receiver": "万小商",
            "phone": DEMO_BUYER_PHONE,
            "district_code": "110105",
            "detail": "望京街道阜通东大街6号院3号楼1单元802",
            "is_default": False,
        },
    ],
}


@contextmanager
def shared_password_hash(password: str):
    """Hash the demo password once and reuse that hash for every demo account created inside the block.

    Argon2 takes ~0.4 s per hash on a small machine and the demo creates ~80 accounts with the same password,
    so hashing each would dominate the load. Every account still goes through `user_register` (validation,
    uniqueness); only the hashing is shared, which means all demo accounts carry the same salt. That is
    acceptable for demo data and nowhere else: real sign-ups never run inside this block.
    """
    original = base_user.make_password
    encoded = original(password)

    def make_password(raw_password, *args, **kwargs):
        if raw_password == password and not args and not kwargs:
            return encoded
        return original(raw_password, *args, **kwargs)

    base_user.make_password = make_password
    try:
        yield
    finally:
        base_user.make_password = original


def user_ensure(*, login: str, nickname: str):
    """The demo account for `login`: the existing user, else a new one registered through the real service."""
    return user_find_by_login(login=login) or user_register(
        login=login, password=DEMO_PASSWORD, nickname=nickname
    )


def operator_ensure():
    user = user_ensure(login=OPERATOR_PHONE, nickname=OPERATOR_NICKNAME)
    if not user.is_staff:
        operator_grant(user=user, superuser=True)
    return user


def buyers_create(*, count: int, seed: int, now, rng, log) -> list:
    """The memorable demo buyer plus `count` generated buyers, each with their addresses. Returns users with
    an `address_ids` attribute (default address first)."""
    people = [DEMO_BUYER] + [b for b in content.buyers(count, seed) if b["phone"] != DEMO_BUYER_PHONE][:count]
    users = []
    for person in people:
        user = user_ensure(login=person["phone"], nickname=person["nickname"])
        ids = []
        for addr in person["addresses"]:
            address = address_create(
                user=user,
                receiver=addr["receiver"],
                phone=addr["phone"],
                district_code=addr["district_code"],
                detail=addr["detail"],
                is_default=addr["is_default"],
            )
            ids.append(address.pk)
        user.address_ids = ids
        user_backdate(user_id=user.pk, joined=now - timedelta(days=rng.uniform(35, 400)))
        users.append(user)
    log(
        f"  买家 {len(users)} 个（含演示买家 {DEMO_BUYER_PHONE}），收货地址 {sum(len(u.address_ids) for u in users)} 条"
    )
    return users
