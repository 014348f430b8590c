from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "wanshang.media"
    label = "media"
    verbose_name = "图片与视频"
