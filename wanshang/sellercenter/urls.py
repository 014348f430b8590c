app_name = "sellercenter"
urlpatterns: list = []
