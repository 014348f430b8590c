"""The recommendation kinds, shared with the faces (the API's `kind` parameter, the page rows)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RelatedKind(models.TextChoices):
    CO_VIEWED = "co_viewed", _("看了又看")  # viewed by the same visitors on the same day
    CO_BOUGHT = "co_bought", _("买了又买")  # bought by the same buyers
