"""The one HTTP path to WhatsApp, Telegram and SP4N-LAPOR!: only a 2xx is a delivery."""

from __future__ import annotations

import pytest

from channels.transports import DeliveryError
from channels.transports.http import post_json


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_not_a_delivery_and_is_not_followed(stand_in, status):
    stand_in.headers = {"location": f"{stand_in.url}/elsewhere"}
    stand_in.answer_next(status)

    with pytest.raises(DeliveryError) as refused:
        post_json(f"{stand_in.url}/v26.0/123/messages", json={"text": "Halo"})

    assert refused.value.transient is False and f"HTTP {status}" in str(refused.value)
    assert [r.path for r in stand_in.requests] == ["/v26.0/123/messages"]


def test_a_2xx_is_a_delivery(stand_in):
    assert post_json(f"{stand_in.url}/send", json={"text": "Halo"}).status_code == 200
