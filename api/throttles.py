"""Intake limits per channel: a channel key may send `TRECKK_RATE_LIMITS["intake"]` messages and complaints
(together) per window, counted by channel (not by address: a gateway sends from a few addresses for thousands of
citizens). Counted in the same cache counters as the public pages' limits (common/ratelimit.py)."""

from __future__ import annotations

from common import ratelimit
from roles.principals import is_channel


class ChannelIntakeThrottle(ratelimit.ScopedThrottle):
    """For views where a channel creates something: only a channel's POSTs count; staff are not limited here."""

    scope = "intake"
    methods = ("POST",)

    def allow_request(self, request, view) -> bool:
        if request.method not in self.methods or not is_channel(request.user):
            return True
        self.verdict = ratelimit.hit(self.scope, f"channel:{request.user.channel.pk}")
        return self.verdict.allowed
