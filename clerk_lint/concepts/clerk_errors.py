"""Clerk's API error codes an app branches on (`err.errors[0].code === "form_identifier_exists"`)
and the Better Auth error code that takes each one's place (BASE_ERROR_CODES of better-auth,
the emailOTP plugin's codes). Only the pairs that mean the same thing are listed; an app
branching on any other code needs a look at what Better Auth returns there."""
from __future__ import annotations

CLERK_TO_BETTER_AUTH = {
    "form_identifier_exists": "USER_ALREADY_EXISTS",
    "form_password_incorrect": "INVALID_EMAIL_OR_PASSWORD",
    # Better Auth does not say whether the account exists
    "form_identifier_not_found": "INVALID_EMAIL_OR_PASSWORD",
    "form_password_length_too_short": "PASSWORD_TOO_SHORT",
    "form_password_length_too_long": "PASSWORD_TOO_LONG",
    "form_param_format_invalid": "INVALID_EMAIL",
    "form_code_incorrect": "INVALID_OTP",
    "verification_expired": "OTP_EXPIRED",
    "session_exists": "",
}


def better_auth_code(clerk_code: str) -> str:
    """The Better Auth error code for a Clerk one, or "" when there is none to name."""
    return CLERK_TO_BETTER_AUTH.get(clerk_code, "")
