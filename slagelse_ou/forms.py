"""Core forms: the login form with limits on every field (issue 14.4)."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# The password limit keeps a megabyte-long "password" from being hashed; no real one is this long.
PASSWORD_MAX_LENGTH = 1024


class LoginForm(AuthenticationForm):
    """Django's login form with the username's length checked before anything is looked up.

    AuthenticationForm sets `max_length` on the username field after it is built, so the
    length is never validated: a 256-character username reached django-axes, which stores
    it in varchar(255), and the login answered 500."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        limit = username.max_length or 150
        username.validators.append(
            MaxLengthValidator(limit, message=_("Højst %(limit_value)d tegn (du skrev %(show_value)d)."))
        )
        password = self.fields["password"]
        password.max_length = PASSWORD_MAX_LENGTH
        password.validators.append(
            MaxLengthValidator(PASSWORD_MAX_LENGTH, message=_("Højst %(limit_value)d tegn (du skrev %(show_value)d)."))
        )
        password.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)
