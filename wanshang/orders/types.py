"""The orders app's shared vocabulary: the order states other apps filter and react on."""

from wanshang.orders.models import OrderStatus as OrderStatus
