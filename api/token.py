from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken

from api import examples


@extend_schema(
    summary="Get a staff API token",
    description="Exchange a staff username and password for a token; send it as `Authorization: Token <key>`. "
    "An administrator revokes a token by deleting it in the admin.",
    examples=[examples.TOKEN_REQUEST, examples.TOKEN_RESPONSE],
    tags=["auth"],
)
class StaffTokenView(ObtainAuthToken):
    pass
