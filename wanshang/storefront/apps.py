from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "wanshang.storefront"
    label = "storefront"
    verbose_name = "商城前台"

    def ready(self):
        # The cached product cards are a surface of the daily patrol, which cannot import a face.
        from wanshang.storefront.patrol_surface import register_with_patrol

        register_with_patrol()
