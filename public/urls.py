"""Pages a citizen reaches without logging in."""

app_name = "public"
urlpatterns: list = []
