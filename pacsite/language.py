"""The person's language, held in one field (``reminders.services.language_saved``): the
language buttons save it, signing in brings it back, the preferences page edits it and every
email to the person is written in it.

Once signed in, the language cookie says it: Django's ``LocaleMiddleware`` reads it on every
request, so no request pays a query for it.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils import translation
from django.views import i18n

from reminders.services import language_save, language_saved
from teams.language import language_activate

from .forms import LoginForm
from .models import DemoMark

# A language chosen on the sign-in page, before the person is known (saved at sign-in).
CHOSEN_KEY = "language_chosen"


def _known(language) -> bool:
    return language in dict(settings.LANGUAGES)


@login_not_required  # the buttons are on the sign-in page too
def set_language(request):
    """Django's language buttons; signed in, the choice is saved as the person's language."""
    response = i18n.set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    if _known(language):
        if request.user.is_authenticated:
            language_save(user=request.user, language=language)
        else:
            request.session[CHOSEN_KEY] = language
    return response


class LoginView(auth_views.LoginView):
    """Signing in brings the person's saved language back (cookie included). A language
    chosen on the sign-in page itself is a choice, saved; a person with none saved yet keeps
    the language they signed in with, saved so that their emails speak it too."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # A database seed_demo loaded says where its logins are; any other says nothing.
        return {**super().get_context_data(**kwargs), "demo": DemoMark.objects.first()}

    def form_valid(self, form):
        chosen = self.request.session.pop(CHOSEN_KEY, None)
        response = super().form_valid(form)
        user = form.get_user()
        saved = language_saved(user)
        if _known(chosen):
            language = chosen
        elif saved:
            language = saved
        else:
            current = translation.get_language()
            language = current if _known(current) else settings.LANGUAGE_CODE
        if language != saved:
            language_save(user=user, language=language)
        language_activate(self.request, response, language)
        return response
