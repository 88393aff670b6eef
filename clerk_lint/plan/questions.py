"""Open questions for the team: what the code implies but only the Clerk dashboard, the data or
the people who run the app can answer. Each is derived from findings and lists its evidence."""
from __future__ import annotations

from dataclasses import dataclass, field

from .facts import DEFAULT_ORG_ROLES, Facts, locations


@dataclass
class Question:
    key: str
    question: str
    why: str
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"key": self.key, "question": self.question, "why": self.why, "evidence": list(self.evidence)}


def build_questions(facts: Facts) -> list[Question]:
    q: list[Question] = []
    sign_in = [f for f in facts.findings if f.code in ("CLK102", "CLK103", "CLK205", "CLK111", "CLK113")]
    if sign_in or facts.has("social"):
        seen = sorted(facts.providers) + sorted(facts.generic_providers)
        q.append(Question(
            "oauth-providers",
            "Which sign-in methods and OAuth providers are enabled in the Clerk dashboard?"
            + (f" Code names: {', '.join(seen)}." if seen else " None is named in code."),
            "Prebuilt sign-in UI and redirect flows offer whatever the dashboard enables; each provider needs "
            "its own OAuth app and callback URL, and each method (email code, magic link, phone, username, "
            "passkey, web3) its own plugin and UI branch.",
            locations(sign_in + facts.evidence("social"))))
    for template, ev in sorted(facts.jwt_templates.items()):
        name = template or "(no name)"
        q.append(Question(
            f"jwt-template:{name}",
            f"What consumes JWT template '{name}', and which claims, audience and lifetime does the dashboard "
            "configure for it?",
            "Template claims live only in the dashboard; the jwt plugin's definePayload must reproduce them.",
            locations(ev)))
    if facts.has("organizations"):
        roles = facts.role_names
        perms = facts.custom_permissions
        seen = []
        if roles:
            seen.append("roles " + ", ".join(roles))
        if perms:
            seen.append("permissions " + ", ".join(f"org:{k}:{a}" for k, v in perms.items() for a in v))
        q.append(Question(
            "roles-permissions",
            "Which roles and permissions exist in the Clerk dashboard beyond those seen in code"
            + (f" ({'; '.join(seen)})" if seen else "") + ", and which role holds which permission?",
            "The role -> permission assignment is dashboard data; createAccessControl needs it as code. "
            f"Better Auth's default roles are {', '.join(DEFAULT_ORG_ROLES)}.",
            locations(facts.evidence("organizations"))))
    if facts.has("clerk-ids"):
        q.append(Question(
            "clerk-ids-exposed",
            "Are Clerk user or organization ids (user_..., org_...) stored or exposed outside this codebase "
            "(other services, analytics, billing, URLs, exports)?",
            "Keeping Clerk ids as Better Auth primary keys avoids remapping; if ids must change, every holder "
            "needs a mapping.",
            locations(facts.evidence("clerk-ids"))))
    if facts.has("metadata"):
        q.append(Question(
            "metadata-keys",
            f"Which keys are stored in {', '.join(sorted(facts.metadata))}, and what else writes them "
            "(dashboard edits, other services)?",
            "Each key becomes a typed additional field (or one JSON field); only the Backend API export has them.",
            locations(facts.evidence("metadata"))))
    if facts.has("webhooks"):
        q.append(Question(
            "webhook-subscribers",
            "Which endpoints are subscribed to Clerk webhooks in the dashboard, besides the handler(s) in this "
            "codebase?",
            "External subscribers stop receiving events at cutover unless the new hooks call them.",
            locations(facts.evidence("webhooks"))))
    if facts.has("mfa"):
        q.append(Question(
            "mfa-usage",
            "Is MFA enabled or enforced, and how many users have an authenticator app, backup codes or passkeys?",
            "TOTP secrets move with the CSV export; backup codes and passkeys do not, so those users need a notice.",
            locations(facts.evidence("mfa"))))
    if facts.has("sessions"):
        q.append(Question(
            "cutover-mode",
            "Is a forced sign-out of every user at cutover acceptable, or is a dual-run period needed?",
            "Sessions cannot be migrated.",
            locations(facts.evidence("sessions"))))
    if facts.has("token-verification"):
        q.append(Question(
            "token-receivers",
            "Which services receive Clerk session tokens from getToken() and how do they verify them?",
            "They must accept Better Auth cookies, bearer tokens or jwt-plugin JWTs instead.",
            locations(facts.evidence("token-verification"))))
    if facts.has("billing"):
        q.append(Question(
            "billing-plans",
            "Which Clerk Billing plans and features exist"
            + (f" (code checks {', '.join(sorted(facts.plans) + sorted(facts.features))})"
               if facts.plans or facts.features else "")
            + ", and how are current subscribers moved to your Stripe account?",
            "Clerk Billing records are not read by @better-auth/stripe.",
            locations(facts.evidence("billing"))))
    if facts.has("waitlist") or facts.has("invitations"):
        ev = facts.evidence("waitlist") + facts.evidence("invitations")
        q.append(Question(
            "waitlist-invitations",
            "How many waitlist entries and pending invitations exist, and must they survive the migration?",
            "Neither has an export path into Better Auth; they are re-created or re-sent.",
            locations(ev)))
    sends_mail = [f for f in facts.findings if f.code in ("CLK102", "CLK205", "CLK405")]
    if sends_mail:
        q.append(Question(
            "email-delivery",
            "Which email (and SMS) provider will send verification, password-reset and invitation messages?",
            "Clerk delivered them; with Better Auth your sendVerificationEmail / sendResetPassword / "
            "sendInvitationEmail callbacks do.",
            locations(sends_mail)))
    if facts.problems:
        q.append(Question(
            "unscanned-files",
            "Do the files the scanner could not read fully use Clerk?",
            "They are not covered by this plan.",
            [p.path for p in facts.problems]))
    return q
