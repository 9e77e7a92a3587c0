app_name = "storefronts"

urlpatterns = []
