"""Typed errors for everything a manager (or the network on the way to it) can answer.

Every error carries a message a person can act on: what happened and what to check. The engine
and the TUI show `str(error)`; they never show a traceback.
"""

from __future__ import annotations


class CloudifyError(Exception):
    """Base of every error this client raises; `hint` says what the user can do about it."""

    hint: str = ""

    def __init__(self, message: str, *, url: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.url = url
        if hint:
            self.hint = hint

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


# --- transport errors: the manager never answered ---------------------------------------------


class TransportError(CloudifyError):
    """The request did not get an HTTP answer at all."""


class ConnectionFailedError(TransportError):
    """Nothing listens at host:port (wrong port, manager down, or REST restarting mid-restore)."""

    hint = "check the host and port, and that the manager's REST service is running"


class NameResolutionError(TransportError):
    """The host name does not resolve."""

    hint = "check the spelling of the host name, or use the manager's IP address"


class TLSError(TransportError):
    """TLS handshake or certificate verification failed."""

    hint = (
        "give the manager's CA certificate (--old-ca-cert/--new-ca-cert, or the wizard's CA bundle "
        "field), or check http:// versus https://; "
        "--insecure disables verification and is not recommended"
    )


class RequestTimeoutError(TransportError):
    """Connect or read timed out."""

    hint = "the manager is slow or unreachable; check the network path, or raise the timeout"


class ConnectionDroppedError(TransportError):
    """The connection was closed in the middle of a request or a transfer (a body cut short
    included: that is the network's fault, never a sign of what the manager holds)."""

    hint = (
        "the network or something on the way closed the connection; nothing is lost: run the same "
        "command again (a download resumes where it stopped)"
    )


class HTTPSRequiredError(TLSError):
    """The manager only serves its API over https: nginx answered an http:// request with
    SSL_REQUIRED (port 80) or "plain HTTP request was sent to HTTPS port" (port 443)."""

    hint = "use https:// in the manager address"


class RequestCancelledError(CloudifyError):
    """The caller asked to stop (the client's cancel event, or Ctrl-C) while a request was in
    flight; the request was abandoned and its socket closed."""

    hint = "nothing is lost: run the same command again to continue"


class InvalidNameError(CloudifyError):
    """A tenant or user name that no Cloudify Manager accepts (e.g. non-ASCII): refused before
    anything is sent, instead of an encoding error from deep inside http.client."""

    hint = "check the --old-tenant/--new-tenant and --old-user/--new-user values"


# --- HTTP errors: the manager answered with a non-2xx status ----------------------------------


class HTTPError(CloudifyError):
    """A non-2xx answer; carries the HTTP status and the manager's error_code and message."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_code: str = "",
        url: str = "",
        hint: str = "",
        server_traceback: str | None = None,
    ) -> None:
        super().__init__(message, url=url, hint=hint)
        self.status = status
        self.error_code = error_code
        self.server_traceback = server_traceback


class UnauthorizedError(HTTPError):
    """401: wrong user name or password (or none sent)."""

    hint = "check the user name and password for this manager"


class ForbiddenError(HTTPError):
    """403: the user may not do this, or the tenant is unknown / not given."""

    hint = "use an admin user (role sys_admin) and check the tenant name"


class NotFoundError(HTTPError):
    """404: the resource (or, for an HTML 404, the URL itself) does not exist."""


class ConflictError(HTTPError):
    """409: an object with that id already exists."""


class BadParametersError(HTTPError):
    """400 bad_parameters_error / no_such_include_field_error / illegal parameters."""


class ExistingRunningExecutionError(HTTPError):
    """400 existing_running_execution_error: another execution blocks this one."""

    hint = "wait for the running executions to finish (or cancel them), then try again"


class UnavailableWorkflowError(HTTPError):
    """400 unavailable_workflow_error / nonexistent_workflow_error."""


class MaintenanceModeError(HTTPError):
    """503 maintenance_mode_active / entering_maintenance_mode."""

    hint = "the manager is in maintenance mode; deactivate it with `cfy maintenance-mode deactivate`"


class LicenceError(HTTPError):
    """missing_cloudify_license / expired_cloudify_license: a premium manager without a valid
    licence refuses almost every endpoint (rest-service/manager_rest/constants.py::
    ALLOWED_LICENSE_ENDPOINTS lists the few it still serves). The HTTP status is not in the open
    sources (the premium handler is closed); the error_code is what identifies it."""

    hint = "upload a valid licence to that manager (`cfy license upload <file>`), then run again"


class ServerError(HTTPError):
    """5xx that is not maintenance mode (internal error, bad gateway, service unavailable)."""


class RateLimitedError(ServerError):
    """503 with an HTML body from the manager's nginx limit_req, still there after the retries.

    The request never reached the REST service, so it is safe to send again later.
    """

    hint = (
        "the manager's nginx rate limit refused the request; another client on the same address "
        "may be busy: wait a little and run the same command again"
    )


#: error_code -> class; anything else falls back on the HTTP status.
ERROR_CODES: dict[str, type[HTTPError]] = {
    "unauthorized_error": UnauthorizedError,
    "forbidden_error": ForbiddenError,
    "not_found_error": NotFoundError,
    "missing_premium_package_error": NotFoundError,
    "conflict_error": ConflictError,
    "bad_parameters_error": BadParametersError,
    "no_such_include_field_error": BadParametersError,
    "illegal_execution_parameters_error": BadParametersError,
    "unsupported_content_type_error": BadParametersError,
    "snapshot_action_error": BadParametersError,
    "existing_running_execution_error": ExistingRunningExecutionError,
    "unavailable_workflow_error": UnavailableWorkflowError,
    "nonexistent_workflow_error": UnavailableWorkflowError,
    "maintenance_mode_active": MaintenanceModeError,
    "entering_maintenance_mode": MaintenanceModeError,
    "internal_server_error": ServerError,
    "missing_cloudify_license": LicenceError,
    "expired_cloudify_license": LicenceError,
}

STATUS_CLASSES: dict[int, type[HTTPError]] = {
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    400: BadParametersError,
}


class ProtocolError(CloudifyError):
    """The manager answered 2xx but the body is not what the API promises (not JSON, wrong type)."""

    hint = "is this URL really a Cloudify Manager REST API?"


class ChecksumMismatchError(CloudifyError):
    """A transferred file's size or sha256 does not match what was expected."""


class TransferCancelledError(RequestCancelledError):
    """A download or upload stopped because the caller set its `cancel` event.

    A cancelled download keeps its `<destination>.part` file: running it again resumes there.
    """

    def __init__(self, message: str, *, url: str = "", done: int = 0, part_path: str = "") -> None:
        super().__init__(message, url=url)
        self.done = done
        self.part_path = part_path
