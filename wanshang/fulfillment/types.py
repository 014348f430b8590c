"""The fulfillment app's shared vocabulary: the carriers an order ships with."""

from wanshang.fulfillment.models import Carrier as Carrier
