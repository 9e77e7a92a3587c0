app_name = "ekshop"

urlpatterns = []
