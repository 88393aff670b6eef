"""Open questions for the team: what the code implies but only the Clerk dashboard, the data or
the people who run the app can answer. Each is derived from findings and lists its evidence."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Union

from ..resolve.app_database import Database, database_questions
from .facts import DEFAULT_ORG_ROLES, Facts, locations

USER_FIELD_CODE = "CLK240"


@dataclass
class Question:
    key: str
    question: str
    why: str
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"key": self.key, "question": self.question, "why": self.why, "evidence": list(self.evidence)}


def _oauth_providers(facts: Facts) -> str:
    seen = sorted(facts.providers) + sorted(facts.generic_providers)
    return ("Which sign-in methods and OAuth providers are enabled in the Clerk dashboard?"
            + (f" Code names: {', '.join(seen)}." if seen else " None is named in code."))


def _jwt_templates(facts: Facts) -> list[Question]:
    q = []
    for template, ev in sorted(facts.jwt_templates.items()):
        name = template or "(no name)"
        q.append(Question(
            f"jwt-template:{name}",
            f"What consumes JWT template '{name}', and which claims, audience and lifetime does the dashboard "
            "configure for it?",
            "Template claims live only in the dashboard; the jwt plugin's definePayload must reproduce them.",
            locations(ev)))
    return q


def _roles_permissions(facts: Facts) -> str:
    roles = facts.role_names
    perms = facts.custom_permissions
    seen = []
    if roles:
        seen.append("roles " + ", ".join(roles))
    if perms:
        seen.append("permissions " + ", ".join(f"org:{k}:{a}" for k, v in perms.items() for a in v))
    return ("Which roles and permissions exist in the Clerk dashboard beyond those seen in code"
            + (f" ({'; '.join(seen)})" if seen else "") + ", and which role holds which permission?")


def _metadata_keys(facts: Facts) -> str:
    return (f"Which keys are stored in {', '.join(sorted(facts.metadata))}, and what else writes them "
            "(dashboard edits, other services)?")


def _user_fields(facts: Facts) -> str:
    read = sorted({v for f in facts.findings if f.code == USER_FIELD_CODE for k, v in f.details if k == "field"})
    shown = ", ".join(read[:12]) + (" ..." if len(read) > 12 else "")
    return (f"Which of the Clerk fields the code reads ({shown}) stay as Better Auth additional fields or "
            "plugins, and which reads are rewritten against name / email / image?")


def _billing_plans(facts: Facts) -> str:
    return ("Which Clerk Billing plans and features exist"
            + (f" (code checks {', '.join(sorted(facts.plans) + sorted(facts.features))})"
               if facts.plans or facts.features else "")
            + ", and how are current subscribers moved to your Stripe account?")


def _dashboard(facts: Facts) -> list[Question]:
    return [Question(
        "dashboard-settings",
        "Which settings live only in the Clerk dashboard: enabled sign-in methods and identifiers, OAuth provider "
        "credentials, JWT template claims, custom roles and permissions, session lifetime and token claims, "
        "email/SMS templates, allowed redirect origins, allow/block lists, restrictions, webhook endpoints and "
        "their subscribers?",
        "No scan can see them: export or screenshot them before the Clerk instance is shut down.")]


def _unscanned(facts: Facts) -> list[Question]:
    if not facts.problems:
        return []
    return [Question(
        "unscanned-files",
        "Do the files the scanner could not read fully use Clerk?",
        "They are not covered by this plan.",
        [p.path for p in facts.problems])]


@dataclass(frozen=True)
class _Row:
    """A question asked when the findings of `codes`, then of each of `concerns`, are not empty
    (they are its evidence); the question is text, or a function of the facts."""
    key: str
    question: Union[str, Callable[[Facts], str]]
    why: str
    concerns: tuple[str, ...] = ()
    codes: frozenset[str] = frozenset()
    absent: str = ""       # asked only while this concern has no evidence (the scan could not decide it)
    always: bool = False   # asked even without evidence

    def __call__(self, facts: Facts) -> list[Question]:
        if self.absent and facts.has(self.absent):
            return []
        ev = [f for f in facts.findings if f.code in self.codes] if self.codes else []
        for concern in self.concerns:
            ev = ev + facts.evidence(concern)
        if not ev and not self.always:
            return []
        question = self.question if isinstance(self.question, str) else self.question(facts)
        return [Question(self.key, question, self.why, locations(ev))]


# In asking order: rows, and functions for the questions that are not one per row.
_BUILDERS: tuple[Callable[[Facts], list[Question]], ...] = (
    _Row("oauth-providers", _oauth_providers,
         "Prebuilt sign-in UI and redirect flows offer whatever the dashboard enables; each provider needs "
         "its own OAuth app and callback URL, and each method (email code, magic link, phone, username, "
         "passkey, web3) its own plugin and UI branch.",
         ("social",), frozenset({"CLK102", "CLK103", "CLK205", "CLK111", "CLK113"})),
    _jwt_templates,
    _Row("roles-permissions", _roles_permissions,
         "The role -> permission assignment is dashboard data; createAccessControl needs it as code. "
         f"Better Auth's default roles are {', '.join(DEFAULT_ORG_ROLES)}.",
         ("organizations",)),
    _Row("clerk-ids-exposed",
         "Are Clerk user or organization ids (user_..., org_...) stored or exposed outside this codebase "
         "(other services, analytics, billing, URLs, exports)?",
         "Keeping Clerk ids as Better Auth primary keys avoids remapping; if ids must change, every holder "
         "needs a mapping.",
         ("clerk-ids",)),
    _Row("metadata-keys", _metadata_keys,
         "Each key becomes a typed additional field (or one JSON field); only the Backend API export has them.",
         ("metadata",)),
    _Row("user-fields", _user_fields,
         "Better Auth's user has one name, one email and an image; first/last name, username, phone numbers "
         "and external accounts need additional fields, plugins or the account table, and the import must fill "
         "what is kept.",
         codes=frozenset({USER_FIELD_CODE})),
    _Row("webhook-subscribers",
         "Which endpoints are subscribed to Clerk webhooks in the dashboard, besides the handler(s) in this "
         "codebase?",
         "External subscribers stop receiving events at cutover unless the new hooks call them.",
         ("webhooks",)),
    _Row("mfa-usage",
         "Is MFA enabled or enforced, and how many users have an authenticator app, backup codes or passkeys?",
         "TOTP secrets move with the CSV export; backup codes and passkeys do not, so those users need a notice.",
         ("mfa", "mfa-possible")),
    _Row("cutover-mode",
         "Is a forced sign-out of every user at cutover acceptable, or is a dual-run period needed?",
         "Sessions cannot be migrated.",
         ("sessions",)),
    _Row("token-receivers",
         "Which services receive Clerk session tokens from getToken() and how do they verify them?",
         "They must accept Better Auth cookies, bearer tokens or jwt-plugin JWTs instead.",
         ("token-verification",), frozenset({"CLK242"})),
    _Row("billing-plans", _billing_plans,
         "Clerk Billing records are not read by @better-auth/stripe.",
         ("billing",)),
    _Row("waitlist-invitations",
         "How many waitlist entries and pending invitations exist, and must they survive the migration?",
         "Neither has an export path into Better Auth; they are re-created or re-sent.",
         ("waitlist", "invitations")),
    _Row("email-delivery",
         "Which email (and SMS) provider will send verification, password-reset and invitation messages?",
         "Clerk delivered them; with Better Auth your sendVerificationEmail / sendResetPassword / "
         "sendInvitationEmail callbacks do.",
         codes=frozenset({"CLK102", "CLK205", "CLK405"})),
    _Row("passwords",
         "Do users sign in with a password? If so, the import keeps their bcrypt digests (a bcrypt verify "
         "step, about 1 h); if not, there is no password step.",
         "No finding names a password: the sign-in methods enabled in the Clerk dashboard decide it.",
         ("sign-in",), absent="passwords", always=True),
    _unscanned,
    _dashboard,
)


def database_question(db: Database) -> list[Question]:
    """Where the auth tables go, when the app's database evidence disagrees or says nothing."""
    asked = database_questions(db)
    if not asked:
        return []
    return [Question("database", " ".join(asked),
                     "Better Auth keeps its users, sessions and accounts in the app's database: the adapter and "
                     "the migration follow from it.", [e.where for e in db.evidence][:6])]


def build_questions(facts: Facts, database: Optional[Database] = None) -> list[Question]:
    q: list[Question] = []
    for builder in _BUILDERS:
        q.extend(builder(facts))
    if database is not None:
        q.extend(database_question(database))
    return q
