from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Buyers, merchant staff and platform operators (is_staff) are all users."""

    class AccountType(models.TextChoices):
        RETAIL = "retail", _("零售买家")
        WHOLESALE = "wholesale", _("批发买家")

    username = models.CharField("登录名", max_length=150, unique=True)
    phone = models.CharField("手机号", max_length=11, null=True, blank=True)
    email = models.EmailField("邮箱", null=True, blank=True)
    nickname = models.CharField("昵称", max_length=40, blank=True)
    account_type = models.CharField(max_length=12, choices=AccountType.choices, default=AccountType.RETAIL)
    is_staff = models.BooleanField("平台运营", default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=Q(phone__isnull=False), name="uniq_user_phone"
            ),
            models.UniqueConstraint(
                fields=["email"], condition=Q(email__isnull=False), name="uniq_user_email"
            ),
        ]

    def __str__(self):
        return self.nickname or self.username

    @property
    def display_name(self) -> str:
        return self.nickname or self.username


class Address(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    receiver = models.CharField("收货人", max_length=40)
    phone = models.CharField("手机号", max_length=11)
    province_code = models.CharField(max_length=12)
    city_code = models.CharField(max_length=12)
    district_code = models.CharField(max_length=12)
    region_text = models.CharField("所在地区", max_length=120)
    detail = models.CharField("详细地址", max_length=200)
    is_default = models.BooleanField("默认地址", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="one_default_address"
            ),
        ]

    def __str__(self):
        return f"{self.receiver} {self.region_text} {self.detail}"

    def snapshot(self) -> dict:
        return {
            "receiver": self.receiver,
            "phone": self.phone,
            "province_code": self.province_code,
            "city_code": self.city_code,
            "district_code": self.district_code,
            "region_text": self.region_text,
            "detail": self.detail,
        }


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60, default="api")
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
