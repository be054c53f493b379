"""API authentication and throttling: personal tokens sent as ``Authorization: Token <key>``.

Switched on in ``settings.REST_FRAMEWORK``. Token authentication comes first, so a request without
credentials gets 401 with ``WWW-Authenticate: Token``; session authentication stays for the
browsable API and Swagger UI.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, throttling

from .models import ApiToken, hash_key

KEYWORD = "Token"
# last_used is written at most this often per token, so reads do not turn into writes.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def token_from_header(request) -> str | None:
    """The key in ``Authorization: Token <key>``, None without such a header; 401 when malformed."""
    header = authentication.get_authorization_header(request).split()
    if not header or header[0].lower() != KEYWORD.lower().encode():
        return None
    if len(header) != 2:
        raise exceptions.AuthenticationFailed(_("Ugyldig Authorization-header: brug «Token <nøgle>»."))
    try:
        return header[1].decode("ascii")
    except UnicodeError:
        raise exceptions.AuthenticationFailed(_("Tokenet indeholder ugyldige tegn.")) from None


def authenticate_key(key: str) -> tuple[object, ApiToken]:
    """The (user, token) for a key; AuthenticationFailed (401) with the reason otherwise."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None:
        raise exceptions.AuthenticationFailed(_("Ukendt token."))
    now = timezone.now()
    if token.is_revoked:
        raise exceptions.AuthenticationFailed(_("Tokenet er tilbagekaldt."))
    if token.is_expired(now):
        raise exceptions.AuthenticationFailed(_("Tokenet er udløbet."))
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed(_("Brugeren er deaktiveret."))
    if token.last_used is None or now - token.last_used >= LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token.user, token


class FailedTokenGuard:
    """Brute-force brake on token guessing: after ``API_AUTH_FAILURE_LIMIT`` failed token authentications
    from one client address, every token request from it gets 429 until ``AXES_COOLOFF_MINUTES`` after the
    first failure. Counted per address (a guesser has no username) in Django's cache, like the throttle."""

    def __init__(self, request):
        self.cache_key = f"api-auth-failures:{throttling.BaseThrottle().get_ident(request)}"
        self.window = settings.AXES_COOLOFF_MINUTES * 60

    def refuse_when_exhausted(self) -> None:
        if (cache.get(self.cache_key) or 0) >= settings.API_AUTH_FAILURE_LIMIT:
            raise exceptions.Throttled(
                wait=self.window, detail=str(_("For mange mislykkede forsøg med token. Prøv igen senere."))
            )

    def count_failure(self) -> None:
        if cache.add(self.cache_key, 1, self.window):
            return
        try:
            cache.incr(self.cache_key)
        except ValueError:  # expired between add and incr
            cache.add(self.cache_key, 1, self.window)


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>`` against hashed, revocable, optionally expiring ``ApiToken``s.

    DRF also sets the user on Django's request, so simple-history attributes API writes to the
    token's user (``HistoryRequestMiddleware`` reads ``request.user`` at save time).
    """

    def authenticate(self, request):
        if not authentication.get_authorization_header(request):
            return None
        guard = FailedTokenGuard(request)
        guard.refuse_when_exhausted()
        try:
            key = token_from_header(request)
            if key is None:
                return None
            return authenticate_key(key)
        except exceptions.AuthenticationFailed:
            guard.count_failure()
            raise

    def authenticate_header(self, request) -> str:
        return KEYWORD


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Per-token request budget (per user for session requests, per address for anonymous ones).

    Rate: ``settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api"]``, from the environment variable
    ``API_THROTTLE_RATE`` (default ``1000/hour``). Counts live in Django's cache: with the default
    local-memory cache each server process counts on its own.
    """

    scope = "api"

    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
