"""Widgets to poke at what the notebooks teach: the access grid, the policy playground, ...

Every widget here also has a plain-text version of what it shows. `show()` displays both in one
output: the widget view, and the text as that output's `text/plain`. A front end that renders the
widget (JupyterLab with a live kernel) shows only the widget; everywhere else (GitHub, nbval, a PDF,
a stored notebook not yet run) shows the text, never both. The widgets are built
only from ipywidgets' own controls and `HTML` (never `ipywidgets.Output`: what is printed into an
Output is stored differently in a fresh run, which breaks nbval's comparison). Each has methods
that do what a click does (`AccessGrid.select`, `PolicyPlayground.apply`), which is how the unit
tests drive them without a browser, and how a learner without widgets can use them.

Everything shown comes from the real calls and from the offline AWS's decision log
(`helpers.access`); nothing is recomputed here.
"""

from __future__ import annotations

import copy
import html
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
import jwt
from botocore.exceptions import ClientError
from IPython.display import display

from helpers import access, errors, identitypool, tokens, userpool
from helpers.lab import AWS, Lab, LabError
from helpers.offline import EXPLICIT_DENY, DecisionRecord

# The same colours as JupyterLab's success/danger buttons; the ✓/✗ symbol carries the meaning too,
# so nobody has to tell red from green.
_CORNER = "<b>who</b>"  # the grid's top-left heading
_STYLE = {True: ("success", access.ALLOWED, "allowed"), False: ("danger", access.DENIED, "denied")}
_IDENTITY_SUB = "${cognito-identity.amazonaws.com:sub}"


def _display(widget: w.Widget, text: str) -> None:
    """Display a widget with `text` as its plain-text version, in one output.

    JupyterLab picks the richest representation it can render, so the widget view replaces the
    text where widgets work; the text is what every other reader sees.
    """
    view = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
    display({"application/vnd.jupyter.widget-view+json": view, "text/plain": text}, raw=True)


def _pre(text: str) -> str:
    return f"<pre style='white-space: pre-wrap; margin: 0 0 8px 0'>{html.escape(text)}</pre>"


# --- the why of one cell ---------------------------------------------------------------------------


def role_policies(lab: Lab, role_name: str) -> dict[str, dict[str, Any]]:
    """The role's inline policies as IAM holds them now: {policy name: document}."""
    iam = lab.client("iam")
    names = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    return {
        name: iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"] for name in names
    }


@dataclass(frozen=True)
class CellStory:
    """Everything a click on one cell shows, as text."""

    heading: str  # "Alice · read Bob's private: ✗ denied"
    request: str  # who asked, as which role, for which action on which resource
    statements: str  # the deciding (or nearest) statements, variables filled in for this caller
    aws_said: str  # AWS's error code and message, or that it allowed the call
    explanation: str  # the offline AWS's full explanation

    def text(self) -> str:
        parts = [self.heading, self.request, self.aws_said]
        if self.statements:
            parts.append(self.statements)
        parts.append(self.explanation)
        return "\n\n".join(parts)


def cell_story(matrix: access.Matrix, principal: str, operation: str) -> CellStory:
    """What one (principal, operation) cell means: the request, the statements, AWS's answer."""
    outcome = matrix.outcome(principal, operation)
    who = next(p for p in matrix.principals if p.name == principal)
    role = matrix.roles[principal]
    _, mark, word = _STYLE[outcome.allowed]
    heading = f"{principal} · {operation}: {mark} {word}"
    explanation = outcome.explanation or f"({access.OFFLINE_ONLY}.)"
    decision, record = outcome.decision, outcome.invocation
    if decision is not None:
        asked = f"{decision.action} on {decision.resource}"
    elif record is not None:  # an API call: the request as API Gateway routed it
        asked = f"{record['method']} {record['path']} of API {record['api_id']}"
    else:
        asked = f"the call {operation!r}"
    asked = access.name_ids(asked, matrix.principals, matrix.aliases)
    request = f"Request: {principal} (role {role}, identity {who.placeholder}) asked for {asked}."
    status = f"HTTP {outcome.status} " if outcome.status is not None else ""
    if outcome.code:
        aws_said = f"AWS answered: {status}{outcome.code}: {outcome.message}"
    else:
        aws_said = f"AWS answered: {status or ''}OK (the call was allowed and succeeded)."
    statements = _statements_text(decision, matrix.principals, matrix.aliases)
    return CellStory(heading, request, statements, aws_said, explanation)


def _statements_text(
    decision: DecisionRecord | None,
    everyone: Sequence[access.Principal],
    aliases: Mapping[str, str] | None = None,
) -> str:
    """The statements that decided (or came nearest), as IAM saw them: variables filled in."""
    if decision is None:
        return ""
    if decision.allowed:
        title, shown = "The statements that allowed it", decision.deciding
    elif decision.effect == EXPLICIT_DENY:
        title, shown = "The statement that denied it", decision.deciding
    else:
        title = "No statement allows it; the nearest (the explanation below says where each missed)"
        shown = decision.closest
    if not shown:
        return f"{title}: none of the role's statements even names this action."
    parts = []
    for statement in shown:
        filled = "".join(f", with {name} = {value}" for name, value in statement.variables.items())
        text = f"{statement.label}{filled}:\n{json.dumps(statement.statement, indent=2)}"
        parts.append(access.name_ids(text, everyone, aliases))
    return f"{title}:\n" + "\n".join(parts)


# --- the grid ----------------------------------------------------------------------------------------


class AccessGrid:
    """Principals × operations as buttons, ✓ green or ✗ red; a click shows that cell's story.

    `AccessGrid(matrix).show()` displays it and prints the table as text. `select(who,
    operation)` is what a click does.
    """

    def __init__(self, matrix: access.Matrix, *, title: str = "") -> None:
        self.title = title
        self.detail = w.HTML(layout=w.Layout(border="1px solid #ccc", padding="4px 8px"))
        self.detail.add_class("access-detail")
        self.grid = w.GridBox(layout=w.Layout(grid_gap="3px"))
        self.grid.add_class("access-grid")
        # Every widget is a model the kernel opens in the browser (each with a layout and a style
        # of its own unless given one): the cells share one layout and one style, the headings
        # another pair, and an update keeps the headings and restyles the cells it already has
        # (the playground updates after each change).
        self._cell_layout, self._cell_style = w.Layout(width="auto"), w.ButtonStyle()
        corner = w.HTML(_CORNER)  # ipywidgets exports no HTML style class: share this one's
        self._heading_layout, self._heading_style = corner.layout, corner.style
        self._headings: dict[tuple[str, str], w.HTML] = {("corner", _CORNER): corner}
        self.buttons: dict[tuple[str, str], w.Button] = {}
        self.selected: tuple[str, str] | None = None
        self.widget = w.VBox(
            [w.HTML(f"<b>{html.escape(title)}</b>" if title else ""), self.grid, self.detail]
        )
        self.update(matrix)

    def update(self, matrix: access.Matrix) -> None:
        """Show another run's outcomes (after a policy changed), keeping the selected cell."""
        self.matrix = matrix
        cells: list[w.Widget] = [self._heading("corner", _CORNER)] + [
            self._heading("operation", f"<b style='font-size: 90%'>{html.escape(name)}</b>")
            for name in matrix.operations
        ]
        kept, self.buttons = self.buttons, {}
        for principal in matrix.principals:
            cells.append(self._heading("principal", f"<b>{html.escape(principal.name)}</b>"))
            for operation in matrix.operations:
                cells.append(self._button(principal.name, operation, kept.get((principal.name, operation))))
        self.grid.children = cells
        self.grid.layout.grid_template_columns = f"70px repeat({len(matrix.operations)}, minmax(64px, 1fr))"
        if self.selected is not None and self.selected in self.buttons:
            self.select(*self.selected)
        else:
            self.selected = None
            self.detail.value = (
                "<i>Click a cell to see the request, the statement that decided it and AWS's answer.</i>"
            )

    def _heading(self, kind: str, markup: str) -> w.HTML:
        """The corner's, a row's or a column's heading, made once per grid."""
        if (kind, markup) not in self._headings:
            self._headings[(kind, markup)] = w.HTML(
                markup, layout=self._heading_layout, style=self._heading_style
            )
        return self._headings[(kind, markup)]

    def _button(self, principal: str, operation: str, button: w.Button | None) -> w.Button:
        """The cell's button, made or (`button`, the same cell's before the update) restyled."""
        allowed = self.matrix.outcome(principal, operation).allowed
        style, mark, word = _STYLE[allowed]
        state = {
            "description": mark,
            "button_style": style,
            "tooltip": f"{principal} · {operation}: {word}",
            "_dom_classes": ("access-cell", word),
        }
        if button is None:
            # Given to the constructor, the state travels with the widget's opening; set one by one
            # afterwards, each is a message of its own to the browser.
            button = w.Button(layout=self._cell_layout, style=self._cell_style, **state)
            button.on_click(lambda _: self.select(principal, operation))
        else:
            with button.hold_sync():  # one message for whatever changed
                for name, value in state.items():
                    setattr(button, name, value)
        self.buttons[(principal, operation)] = button
        return button

    def select(self, principal: str, operation: str) -> CellStory:
        """What clicking the cell does: show (and return) its story."""
        story = cell_story(self.matrix, principal, operation)
        self.selected = (principal, operation)
        colour = "#2e7d32" if self.matrix.outcome(principal, operation).allowed else "#c62828"
        self.detail.value = (
            f"<h4 style='color: {colour}; margin: 4px 0'>{html.escape(story.heading)}</h4>"
            + "".join(_pre(part) for part in (story.request, story.aws_said, story.statements) if part)
            + "<details><summary>The offline AWS's full explanation</summary>"
            + _pre(story.explanation)
            + "</details>"
        )
        return story

    def text(self) -> str:
        """The grid as text: one row per principal, ✓ allowed / ✗ denied."""
        width = max(len(p.name) for p in self.matrix.principals)
        lines = [f"{'':<{width}}  " + " ".join(f"{i + 1:>2}" for i in range(len(self.matrix.operations)))]
        for name, row in self.matrix.pattern().items():
            lines.append(f"{name:<{width}}  " + " ".join(f"{mark:>2}" for mark in row))
        lines += [f"  {i + 1:>2}: {operation}" for i, operation in enumerate(self.matrix.operations)]
        return "\n".join(lines)

    def show(self) -> None:
        """Display the grid; where widgets can't render, its text (`text()`) shows instead."""
        lines = [self.title] if self.title else []
        lines += [self.text(), "Without widgets: matrix.explain(who, column) tells a cell's story."]
        _display(self.widget, "\n".join(lines))


# --- the policy playground ---------------------------------------------------------------------------


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    statements = document["Statement"]
    return statements if isinstance(statements, list) else [statements]


def _add_scan(document: dict[str, Any]) -> dict[str, Any]:
    for statement in _statements(document):
        if statement.get("Sid") == "OwnItems":
            statement["Action"] = [*statement["Action"], "dynamodb:Scan"]
    return document


def _everyones_folder(document: dict[str, Any]) -> dict[str, Any]:
    for statement in _statements(document):
        if statement.get("Sid") == "OwnPrivateObjects":
            statement["Resource"] = statement["Resource"].replace(f"{_IDENTITY_SUB}/*", "*")
    return document


def _no_version(document: dict[str, Any]) -> dict[str, Any]:
    document.pop("Version", None)
    return document


def _list_without_condition(document: dict[str, Any]) -> dict[str, Any]:
    for statement in _statements(document):
        if statement.get("Sid") == "ListOwnPrefixAndPublic":
            statement.pop("Condition", None)
    return document


def _typo_in_effect(document: dict[str, Any]) -> dict[str, Any]:
    _statements(document)[0]["Effect"] = "Alow"
    return document


# Name → (what it does to the course's signed-in policy, what the learner should look for).
MISTAKES: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], str]] = {
    "Scan added to OwnItems": (
        _add_scan,
        "ForAllValues over a Scan's empty set of leading keys is true: everyone's items are readable.",
    ),
    "private/* instead of the identity id": (
        _everyones_folder,
        "Every signed-in user may read and write every private folder.",
    ),
    "no Version (policy variables off)": (
        _no_version,
        "IAM refuses a policy that uses ${...} variables without Version 2012-10-17; the previous stays.",
    ),
    "ListBucket without its s3:prefix condition": (
        _list_without_condition,
        "Anyone signed in may list the whole bucket, everyone's file names included.",
    ),
    "a typo: Effect Alow": (_typo_in_effect, "IAM refuses the document; the previous policy stays."),
}
BROKEN_JSON = "a trailing comma (not JSON)"


def mistake(name: str, policy: Mapping[str, Any]) -> str:
    """The course's policy with one prepared mistake, as the text the learner would edit."""
    if name == BROKEN_JSON:
        return json.dumps(policy, indent=2)[:-2] + ",\n}"
    return json.dumps(MISTAKES[name][0](copy.deepcopy(dict(policy))), indent=2)


@dataclass(frozen=True)
class Applied:
    """What pressing Apply did."""

    ok: bool
    message: str  # what to tell the learner
    changes: tuple[str, ...] = ()  # "Alice · scan: ✗ → ✓", one per cell that changed


def changes(before: access.Matrix, after: access.Matrix) -> list[str]:
    """The cells whose answer differs between two runs, with the new reason."""
    found = []
    for principal in after.principals:
        for operation in after.operations:
            old, new = before.outcome(principal.name, operation), after.outcome(principal.name, operation)
            if old.allowed != new.allowed:
                was, now = _STYLE[old.allowed][1], _STYLE[new.allowed][1]
                found.append(f"{principal.name} · {operation}: {was} → {now} ({new.reason})")
    return found


class PolicyPlayground:
    """Edit a role's inline policy (or pick a prepared mistake), apply it, watch the grid re-run.

    Apply parses the JSON, then sends it to IAM with `put_role_policy`: a document that isn't
    JSON never leaves the notebook, one IAM refuses gets IAM's own error, and in both cases the
    previous policy stays in force (IAM changed nothing). `restore()` puts the course's policy back.
    """

    def __init__(
        self,
        lab: Lab,
        role_name: str,
        policy_name: str,
        principals: Sequence[access.Principal],
        operations: access.Operations,
    ) -> None:
        self.lab, self.role_name, self.policy_name = lab, role_name, policy_name
        self.principals, self.operations = list(principals), operations
        self.original = role_policies(lab, role_name)[policy_name]
        self.matrix = access.run_matrix(lab, self.principals, operations)
        self.grid = AccessGrid(self.matrix)
        self.editor = w.Textarea(
            value=json.dumps(self.original, indent=2), layout=w.Layout(width="100%", height="280px")
        )
        self.editor.add_class("policy-editor")
        self.picker = w.Dropdown(
            options=["(the course's policy)", *MISTAKES, BROKEN_JSON], description="Try:"
        )
        self.picker.observe(self._picked, names="value")
        self.apply_button = w.Button(description="Apply", button_style="primary", icon="check")
        self.apply_button.on_click(lambda _: self.apply())
        self.restore_button = w.Button(description="Put the course's policy back", icon="undo")
        self.restore_button.on_click(lambda _: self.restore())
        self.message = w.HTML()
        self.message.add_class("policy-message")
        self.widget = w.VBox(
            [
                w.HTML(f"<b>Inline policy {html.escape(policy_name)} of role {html.escape(role_name)}</b>"),
                w.HBox([self.picker, self.apply_button, self.restore_button]),
                self.editor,
                self.message,
                self.grid.widget,
            ]
        )

    def _picked(self, change: Mapping[str, Any]) -> None:
        name = change["new"]
        self.editor.value = (
            json.dumps(self.original, indent=2)
            if name not in (*MISTAKES, BROKEN_JSON)
            else mistake(name, self.original)
        )
        hint = MISTAKES[name][1] if name in MISTAKES else ""
        self.message.value = html.escape(f"Loaded {name!r} into the editor. {hint} Press Apply.")

    def apply(self, text: str | None = None) -> Applied:
        """Put the editor's (or `text`'s) policy on the role, re-run every call, say what changed."""
        source = self.editor.value if text is None else text
        try:
            document = json.loads(source)
        except json.JSONDecodeError as problem:
            return self._said(
                False,
                f"Not valid JSON (line {problem.lineno}, column {problem.colno}: {problem.msg}). "
                "Nothing was sent to IAM: the previous policy is still in force.",
            )
        try:
            self.lab.client("iam").put_role_policy(
                RoleName=self.role_name, PolicyName=self.policy_name, PolicyDocument=json.dumps(document)
            )
        except ClientError as error:
            details = error.response.get("Error", {})
            return self._said(
                False,
                f"IAM refused it: {details.get('Code')}: {details.get('Message')} "
                "The previous policy is still in force.",
            )
        identitypool.wait_for_iam(self.lab)
        # Only callers acting as this role can see its policy change: re-run their rows alone.
        affected = [p for p in self.principals if self.matrix.roles[p.name] == self.role_name]
        rerun = access.run_matrix(self.lab, affected, self.operations, named=self.principals)
        before, self.matrix = self.matrix, self.matrix.with_rows_of(rerun)
        self.grid.update(self.matrix)
        found = changes(before, self.matrix)
        summary = "Applied. " + (f"{len(found)} cell(s) changed:" if found else "No cell changed.")
        return self._said(True, summary, tuple(found))

    def try_mistake(self, name: str) -> Applied:
        """Load a prepared mistake into the editor and apply it (what the picker and Apply do)."""
        self.picker.value = name
        return self.apply()

    def restore(self) -> Applied:
        """Put the course's policy back (the rest of the notebook expects it)."""
        self.picker.value = "(the course's policy)"
        self.editor.value = json.dumps(self.original, indent=2)
        return self.apply()

    def _said(self, ok: bool, message: str, found: tuple[str, ...] = ()) -> Applied:
        colour = "#2e7d32" if ok else "#c62828"
        mark = access.ALLOWED if ok else access.DENIED
        self.message.value = f"<span style='color: {colour}'>{mark} {html.escape(message)}</span>" + (
            "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in found) + "</ul>" if found else ""
        )
        return Applied(ok, message, found)

    def show(self) -> None:
        """Display the playground; where widgets can't render, how to use it without them."""
        lines = [f"Policy playground for {self.policy_name} on {self.role_name}. Prepared mistakes:"]
        lines += [f"  - {name}: {hint}" for name, (_, hint) in MISTAKES.items()]
        lines += [
            f"  - {BROKEN_JSON}: the editor refuses it before IAM sees it.",
            "Without widgets: report(playground.try_mistake(name)), then report(playground.restore()).",
        ]
        _display(self.widget, "\n".join(lines))


def report(applied: Applied) -> None:
    """Print what Apply did (the text version of the playground's message)."""
    print(("✓ " if applied.ok else "✗ ") + applied.message)
    for line in applied.changes:
        print(f"  {line}")


# --- the token inspector -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenReport:
    """What the inspector shows for one token."""

    name: str
    header: dict[str, Any]
    rows: list[tuple[str, str, str, str]]  # claim, value, only in this kind of token?, what it says
    signature: str  # "✓ ..." or "✗ <who>: <code>: <message>"
    expiry: str  # "expires in 59 min 58 s (lab clock)" or "expired 1 min 2 s ago ..."

    def text(self) -> str:
        lines = [f"{self.name}: header {json.dumps(self.header)}", self.signature, self.expiry]
        width = max(len(row[0]) for row in self.rows)
        lines += [f"  {claim:<{width}}  {value}  {only}".rstrip() for claim, value, only, _ in self.rows]
        return "\n".join(lines)


def _duration(seconds: float) -> str:
    minutes, rest = divmod(int(abs(seconds)), 60)
    return f"{minutes} min {rest} s"


class TokenInspector:
    """Pick a token; see its header and claims, its signature checked against the JWKS, its expiry.

    `tokens` maps a name ("Alice's ID token") to the token. The claims column "only in" marks what
    one kind of token carries and the other doesn't (ID vs access). The signature is checked as
    notebook 02 does it by hand: the JWKS key with the header's kid, RS256, the pool as issuer,
    and for ID tokens the app client as audience.
    """

    def __init__(
        self, lab: Lab, jwks: Mapping[str, Any], tokens: Mapping[str, str], *, client_id: str, issuer: str
    ) -> None:
        self.lab, self.jwks, self.tokens = lab, jwks, dict(tokens)
        self.client_id, self.issuer = client_id, issuer
        self.picker = w.Dropdown(options=list(self.tokens), description="Token:")
        self.picker.observe(lambda _: self.refresh(), names="value")
        self.now_button = w.Button(description="Time to expiry now", icon="refresh")
        self.now_button.on_click(lambda _: self.refresh())
        self.view = w.HTML()
        self.view.add_class("token-view")
        self.widget = w.VBox([w.HBox([self.picker, self.now_button]), self.view])
        self.refresh()

    def inspect(self, name: str) -> TokenReport:
        """The report for one named token (what picking it shows)."""
        token = self.tokens[name]
        claims = tokens.claims(token)
        kinds = {"id": "access", "access": "id"}
        others = {
            other
            for other_token in self.tokens.values()
            if tokens.claims(other_token).get("token_use") == kinds.get(str(claims.get("token_use")))
            for other in tokens.claims(other_token)
        }
        own_kind = claims.get("token_use", "?")
        rows = [
            (
                claim,
                json.dumps(value) if not isinstance(value, str) else value,
                f"only in {own_kind} tokens" if others and claim not in others else "",
                tokens.CLAIM_MEANINGS.get(claim, ""),
            )
            for claim, value in sorted(claims.items())
        ]
        try:
            jwt.decode(
                token,
                tokens.signing_key(self.jwks, token),
                algorithms=["RS256"],
                issuer=self.issuer,
                audience=self.client_id if own_kind == "id" else None,
                options={"verify_iat": False, "verify_exp": False, "verify_aud": own_kind == "id"},
            )
            signature = (
                f"{access.ALLOWED} signature valid: key {tokens.header(token).get('kid')} of the pool's JWKS"
            )
        except errors.EXPECTED_ERRORS as problem:
            signature = f"{access.DENIED} " + errors.describe(problem).splitlines()[0]
        left = claims.get("exp", 0) - self.lab.now()
        expiry = (
            f"expires in {_duration(left)} (lab clock)"
            if left > 0
            else f"expired {_duration(left)} ago (lab clock)"
        )
        return TokenReport(name, tokens.header(token), rows, signature, expiry)

    def refresh(self) -> TokenReport:
        """Show the picked token, with the time to expiry as of now."""
        report = self.inspect(self.picker.value)
        table = "".join(
            f"<tr><td><code>{html.escape(c)}</code></td><td><code>{html.escape(v)}</code></td>"
            f"<td>{html.escape(o)}</td><td>{html.escape(m)}</td></tr>"
            for c, v, o, m in report.rows
        )
        colour = "#2e7d32" if report.signature.startswith(access.ALLOWED) else "#c62828"
        self.view.value = (
            f"<p><b>Header</b> <code>{html.escape(json.dumps(report.header))}</code></p>"
            f"<p style='color: {colour}'><b>{html.escape(report.signature)}</b></p>"
            f"<p>{html.escape(report.expiry)}</p>"
            "<table><tr><th>claim</th><th>value</th><th>ID vs access</th><th>what it says</th></tr>"
            f"{table}</table>"
        )
        return report

    def show(self) -> None:
        """Display the inspector; where widgets can't render, every token's report as text."""
        _display(self.widget, "\n\n".join(self.inspect(name).text() for name in self.tokens))


# --- the sign-up / sign-in panel ---------------------------------------------------------------------


class SignUpPanel:
    """Sign up, confirm with the emailed code, sign in (SRP), with the offline mailbox beside it.

    Every button makes the real call; AWS's error is shown as `errors.describe` words it (code,
    message, and what to try). `sign_up`, `confirm` and `sign_in` are what the buttons do.
    """

    def __init__(self, lab: Lab, user_pool_id: str, client_id: str) -> None:
        self.lab, self.user_pool_id, self.client_id = lab, user_pool_id, client_id
        self.username = w.Text(description="Username:", placeholder="zoe")
        self.password = w.Password(description="Password:")
        self.code = w.Text(description="Code:", placeholder="from the email")
        buttons = [
            ("Sign up", self.sign_up),
            ("Confirm", self.confirm),
            ("Sign in", self.sign_in),
        ]
        self.buttons = {label: w.Button(description=label) for label, _ in buttons}
        for label, action in buttons:
            self.buttons[label].on_click(lambda _, act=action: act())
        self.message = w.HTML()
        self.message.add_class("signup-message")
        self.mailbox = w.HTML(
            "<i>No email yet.</i>", layout=w.Layout(width="45%", border="1px solid #ccc", padding="4px")
        )
        form = w.VBox(
            [
                self.username,
                self.password,
                w.HBox(list(self.buttons.values())[:1]),
                self.code,
                w.HBox(list(self.buttons.values())[1:]),
                self.message,
            ],
            layout=w.Layout(width="55%"),
        )
        self.widget = w.HBox([form, self.mailbox])

    def _call(self, what: str, action: Callable[[], str]) -> str:
        try:
            said = f"{access.ALLOWED} {what}: {action()}"
            colour = "#2e7d32"
        except errors.EXPECTED_ERRORS as problem:
            said = f"{access.DENIED} {what}: " + errors.describe(problem)
            colour = "#c62828"
        self.message.value = f"<pre style='color: {colour}; white-space: pre-wrap'>{html.escape(said)}</pre>"
        self._read_mailbox()
        return said

    def sign_up(self) -> str:
        """SignUp with the form's username and password (and `<username>@example.com` offline)."""

        def call() -> str:
            if self.username.value in userpool.PASSWORDS:
                # Later notebooks sign the course's users in with the course's passwords: one signed
                # up here with another password would break them on a shared AWS.
                raise LabError(
                    f"{self.username.value} is one of the course's own users, whom notebooks 02-10 sign "
                    "in with the course's password: pick another username."
                )
            reply = self.lab.client("cognito-idp").sign_up(
                ClientId=self.client_id,
                Username=self.username.value,
                Password=self.password.value,
                UserAttributes=[{"Name": "email", "Value": self.lab.email(self.username.value or "someone")}],
            )
            where = reply.get("CodeDeliveryDetails", {}).get("Destination", "?")
            return f"the code went to {where}; type it in and press Confirm."

        return self._call("Sign up", call)

    def confirm(self) -> str:
        """ConfirmSignUp with the code typed in."""

        def call() -> str:
            self.lab.client("cognito-idp").confirm_sign_up(
                ClientId=self.client_id,
                Username=self.username.value,
                ConfirmationCode=self.code.value.strip(),
            )
            return "confirmed; now Sign in."

        return self._call("Confirm", call)

    def sign_in(self) -> str:
        """SRP sign-in with pycognito, as notebook 01 does."""

        def call() -> str:
            user = userpool.cognito(self.lab, self.user_pool_id, self.client_id, self.username.value)
            user.authenticate(password=self.password.value)
            self.tokens = {"id": user.id_token, "access": user.access_token}
            return f"signed in; ID token for {tokens.claims(user.id_token)['cognito:username']}."

        return self._call("Sign in", call)

    def _read_mailbox(self) -> None:
        if self.lab.backend == AWS:
            self.mailbox.value = "<i>Real AWS: the code is in your inbox.</i>"
            return
        try:
            code = self.lab.read_confirmation_code(self.user_pool_id, self.username.value)
        except LabError:  # no email for this username yet
            self.mailbox.value = "<i>No email for this username yet.</i>"
            return
        self.mailbox.value = (
            f"<b>Offline mailbox</b><br>To: {html.escape(self.lab.email(self.username.value))}<br>"
            f"Your confirmation code is <code class='mailbox-code'>{html.escape(code)}</code>"
        )

    def show(self) -> None:
        """Display the panel; where widgets can't render, how to do the same without them."""
        lines = [
            "Sign up, read the code in the mailbox on the right, confirm, sign in.",
            "Without widgets: set panel.username.value and panel.password.value, then panel.sign_up(), "
            "panel.confirm() (with panel.code.value) and panel.sign_in().",
        ]
        _display(self.widget, "\n".join(lines))
