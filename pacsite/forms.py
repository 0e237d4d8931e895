"""The sign-in page's form."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length checked.

    AuthenticationForm sets the username field's ``max_length`` after the field is built,
    so only the browser enforces it: a longer name went on to ``authenticate()`` and
    django-axes' failure record (255 characters) ended in a 500 on PostgreSQL.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
