from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, applied to logins that come from a request.

    ``authenticate()`` without a request (a management command, a test, a script on the
    server) is not a network login that can be brute-forced, so it is left to the model
    backend instead of raising ``AxesBackendRequestParameterRequired``.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
