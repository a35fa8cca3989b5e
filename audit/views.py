"""The staff login page with a per-address rate limit in front of django-axes' per-username lockout."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from common import ratelimit


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Counted per address before any password is checked: one address trying many usernames (password
        # spraying) is stopped here; axes stops many passwords for one username.
        verdict = ratelimit.check(request, "login")
        if not verdict.allowed:
            form = self.get_form_class()(request)
            context = self.get_context_data(form=form, rate_limited_message=ratelimit.wait_message(verdict.retry_after))
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        return super().post(request, *args, **kwargs)
