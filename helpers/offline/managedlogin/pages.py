"""The HTML a person sees at a user pool domain: the sign-in page and the error page.

The sign-in page is a real form, shaped like the classic hosted UI's (the field names public test
suites drive it by: `username`, `password`, the hidden `_csrf`, the `signInSubmitButton`, in a
form that posts back to `/login` with the authorization request's query). It offers the user
pool's own sign-in when the app client supports `COGNITO`, and a button per identity provider the
client supports. Managed login's branding and its newer ("v2") pages are not modelled: the lesson
is the request, the form and the redirect, not the look.
"""

from __future__ import annotations

import html

from .. import routes
from .exceptions import ERROR_PAGE_TEXT

_STYLE = (
    "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}"
    "main{max-width:22rem;margin:3rem auto;background:#fff;padding:1.5rem 2rem;border-radius:6px;"
    "box-shadow:0 1px 4px #0002}label{display:block;margin:.8rem 0 .2rem}"
    "input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.45rem}"
    "input[type=submit],a.idp{display:block;width:100%;margin-top:1rem;padding:.55rem;"
    "text-align:center;box-sizing:border-box}.error{color:#b00020}.lab{color:#666;font-size:.8rem}"
)


def _document(title: str, content: str, status: int = 200) -> routes.Response:
    page = (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><main>{content}</main></body></html>"
    )
    return routes.Response(status, {"Content-Type": "text/html;charset=UTF-8"}, page.encode())


def sign_in_page(
    *,
    action: str,
    csrf: str,
    native: bool,
    providers: list[tuple[str, str]],
    error: str | None = None,
    username: str = "",
    cookie: str = "",
) -> routes.Response:
    """The sign-in page. `action` is where the form posts (the `/login` URL with the request's
    query), `providers` the (name, link) of each identity provider to offer, `cookie` the
    XSRF-TOKEN cookie that must come back with `_csrf`."""
    parts = []
    if providers:
        parts.append("<p>Sign in with your corporate ID</p>")
        parts += [
            f'<a class="idp" id="idp-{html.escape(name)}" href="{html.escape(link)}">{html.escape(name)}</a>'
            for name, link in providers
        ]
    if native:
        if providers:
            parts.append("<hr><p>Sign in with your username and password</p>")
        if error:
            parts.append(f'<p class="error" id="loginErrorMessage">{html.escape(error)}</p>')
        parts.append(
            f'<form name="cognitoSignInForm" method="post" action="{html.escape(action)}">'
            f'<input type="hidden" name="_csrf" value="{html.escape(csrf)}">'
            '<label for="signInFormUsername">Username</label>'
            f'<input id="signInFormUsername" name="username" type="text" value="{html.escape(username)}"'
            ' autocapitalize="none" required>'
            '<label for="signInFormPassword">Password</label>'
            '<input id="signInFormPassword" name="password" type="password" required>'
            '<input name="signInSubmitButton" type="submit" value="Sign in"></form>'
        )
    parts.append('<p class="lab">The offline lab\'s sign-in page (classic hosted UI form).</p>')
    response = _document("Signin", "".join(parts))
    return routes.Response(response.status, response.headers, response.body, (cookie,) if cookie else ())


def error_page(error: str | None) -> routes.Response:
    """The domain's `/error` page: AWS's one sentence; the lab adds the query's `error` below it."""
    note = f'<p class="lab">Offline lab: error={html.escape(error)}</p>' if error else ""
    return _document("Error", f"<h1>{ERROR_PAGE_TEXT}</h1>{note}")


def something_went_wrong() -> routes.Response:
    """A federated sign-in that did not come back within five minutes, or with a state Cognito
    did not send (DG "OIDC user pool IdP authentication flow": "The page displays a Something
    went wrong error message"; the rest of the page is UNCONFIRMED)."""
    return _document("Error", '<h1 class="error">Something went wrong</h1>')
