"""The REST errors the simulator answers with, shaped like the real manager's error bodies."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answer: HTTP status plus the ``{"message", "error_code", "server_traceback"}`` body."""

    def __init__(
        self,
        status: int,
        error_code: str,
        message: str,
        traceback: str | None = None,
        *,
        has_traceback_key: bool = True,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message
        self.traceback = traceback
        self.has_traceback_key = has_traceback_key

    def body(self) -> dict[str, Any]:
        """The JSON body, key order as recorded (error_code, message, server_traceback)."""
        out: dict[str, Any] = {"error_code": self.error_code, "message": self.message}
        if self.has_traceback_key:
            out["server_traceback"] = self.traceback
        return out


def not_found(kind: str, ident: str) -> ApiError:
    """404 for a missing resource, with the real message pattern."""
    return ApiError(404, "not_found_error", f"Requested `{kind}` with ID `{ident}` was not found")


def bad_parameters(message: str) -> ApiError:
    """400 bad_parameters_error."""
    return ApiError(400, "bad_parameters_error", message)


def forbidden(message: str) -> ApiError:
    """403 forbidden_error."""
    return ApiError(403, "forbidden_error", message)


def internal_error(last_line: str, frames: str = "") -> ApiError:
    """500 internal_server_error as Flask renders an unhandled exception, with a traceback text."""
    tb = (
        "Traceback (most recent call last):\n"
        '  File "/opt/manager/env/lib/python3.11/site-packages/flask/app.py", line 1823, '
        "in full_dispatch_request\n"
        "    rv = self.dispatch_request()\n"
        f"{frames}"
        f"{last_line}\n"
    )
    return ApiError(
        500,
        "internal_server_error",
        "Internal error occurred in manager REST server - InternalServerError: 500 Internal Server Error: "
        "The server encountered an internal error and was unable to complete your request. Either the "
        "server is overloaded or there is an error in the application.",
        tb,
    )


class HtmlNotFound(Exception):
    """Flask's HTML 404 page for URLs that no route matches."""


HTML_404 = (
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    "<p>The requested URL was not found on the server. If you entered the URL manually please check "
    "your spelling and try again.</p>\n"
)

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

NGINX_416 = (
    "<html>\r\n<head><title>416 Requested Range Not Satisfiable</title></head>\r\n<body>\r\n"
    "<center><h1>416 Requested Range Not Satisfiable</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
