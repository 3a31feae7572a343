from django.urls import path

from generation.api import token_views

app_name = "tokens"
urlpatterns = [
    path("account/tokens/", token_views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", token_views.revoke, name="revoke"),
]
