"""Form fields shared by the web faces."""

from django import forms

from wanshang.common.errors import ValidationError as DomainValidationError
from wanshang.common.money import fen_to_yuan_str, yuan_to_fen


class YuanField(forms.CharField):
    """A yuan amount typed by a person ("199.90") cleaned to integer fen (None when empty and optional)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00", "maxlength": "16"}),
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return fen_to_yuan_str(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return yuan_to_fen(value)
        except DomainValidationError as exc:
            raise forms.ValidationError(exc.message) from None
