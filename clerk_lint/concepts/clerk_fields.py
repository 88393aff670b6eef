"""Fields of Clerk's user, organization and session objects that Better Auth names differently
or does not have, and which Clerk values are such objects.

Field names come from Clerk's own types: the client `UserResource`, `OrganizationResource`,
`SessionResource`, `ExternalAccountResource`, `PublicUserData` (data/clerk_resources.json) and the
Backend API `User` / `Organization` classes; their Better Auth counterparts from Better Auth's core
schema (user: id, name, email, emailVerified, image, createdAt, updatedAt; session: expiresAt,
token, ipAddress, userAgent, userId) and its plugins. Same-named fields (`id`, `createdAt`,
`updatedAt`, `name`, `slug`) are absent on purpose: they keep working. Metadata has its own rule.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from . import clerk_resources
from .catalog import chain_pattern
from .clerk_resources import ELEMENT, TypeRef

USER, ORGANIZATION, SESSION, ACCOUNT, MEMBER_USER = "user", "organization", "session", "account", "member.user"

FIELDS: dict[str, dict[str, str]] = {
    USER: {
        "fullName": "user.name",
        "firstName": "user.name (one name field; or an additional field)",
        "lastName": "user.name (one name field; or an additional field)",
        "imageUrl": "user.image",
        "profileImageUrl": "user.image",
        "hasImage": "!!user.image",
        "primaryEmailAddress": "user.email",
        "primaryEmailAddressId": "user.email (one address per user)",
        "emailAddresses": "user.email (one address per user; changeEmail)",
        "hasVerifiedEmailAddress": "user.emailVerified",
        "phoneNumbers": "user.phoneNumber (phoneNumber plugin)",
        "primaryPhoneNumber": "user.phoneNumber (phoneNumber plugin)",
        "primaryPhoneNumberId": "user.phoneNumber (phoneNumber plugin)",
        "hasVerifiedPhoneNumber": "user.phoneNumberVerified (phoneNumber plugin)",
        "username": "user.username (username plugin)",
        "externalAccounts": "authClient.listAccounts() / auth.api.listUserAccounts (account rows)",
        "verifiedExternalAccounts": "authClient.listAccounts() (account rows)",
        "unverifiedExternalAccounts": "authClient.listAccounts() (account rows)",
        "samlAccounts": "authClient.listAccounts() (sso plugin)",
        "enterpriseAccounts": "authClient.listAccounts() (sso plugin)",
        "web3Wallets": "walletAddress rows (siwe plugin)",
        "verifiedWeb3Wallets": "walletAddress rows (siwe plugin)",
        "primaryWeb3Wallet": "walletAddress rows (siwe plugin)",
        "primaryWeb3WalletId": "walletAddress rows (siwe plugin)",
        "passkeys": "authClient.passkey.listUserPasskeys() (passkey plugin)",
        "passwordEnabled": "a 'credential' account in authClient.listAccounts()",
        "twoFactorEnabled": "user.twoFactorEnabled (twoFactor plugin)",
        "totpEnabled": "user.twoFactorEnabled (twoFactor plugin)",
        "backupCodeEnabled": "user.twoFactorEnabled (twoFactor plugin backup codes)",
        "lastSignInAt": "no field: the latest session's createdAt",
        "lastActiveAt": "no field: the latest session's updatedAt",
        "banned": "user.banned (admin plugin)",
        "locked": "no counterpart (rate limiting / admin plugin ban)",
        "externalId": "an additional user field",
        "legalAcceptedAt": "an additional user field",
        "createOrganizationEnabled": "organization({ allowUserToCreateOrganization })",
        "createOrganizationsLimit": "organization({ organizationLimit })",
        "deleteSelfEnabled": "user.deleteUser.enabled",
        "organizationMemberships": "authClient.organization.list() / auth.api.listOrganizations",
    },
    ORGANIZATION: {
        "imageUrl": "organization.logo",
        "hasImage": "!!organization.logo",
        "membersCount": "the length of organization.listMembers()",
        "pendingInvitationsCount": "the length of organization.listInvitations() (status pending)",
        "maxAllowedMemberships": "organization({ membershipLimit })",
        "adminDeleteEnabled": "organization({ disableOrganizationDeletion })",
        "createdBy": "the member with role owner",
    },
    SESSION: {
        "expireAt": "session.expiresAt",
        "lastActiveAt": "session.updatedAt",
        "abandonAt": "no counterpart (session.expiresAt)",
        "status": "no status: a session row exists or not",
        "lastActiveOrganizationId": "session.activeOrganizationId",
        "lastActiveToken": "authClient.token() (jwt plugin)",
        "publicUserData": "session.user (getSession returns { user, session })",
        "actor": "session.impersonatedBy (admin plugin)",
        "factorVerificationAge": "no counterpart (session.freshAge option)",
        "tasks": "no counterpart",
        "currentTask": "no counterpart",
    },
    ACCOUNT: {
        "provider": "account.providerId",
        "providerUserId": "account.accountId",
        "approvedScopes": "account.scope",
        "emailAddress": "user.email (accounts carry no profile)",
        "imageUrl": "user.image (accounts carry no profile)",
        "username": "no field on account rows",
        "verification": "no counterpart",
    },
    MEMBER_USER: {
        "firstName": "member.user.name",
        "lastName": "member.user.name",
        "imageUrl": "member.user.image",
        "profileImageUrl": "member.user.image",
        "hasImage": "!!member.user.image",
        "identifier": "member.user.email",
    },
}

# Clerk's client types (clerk_resources) and backend classes -> what the object is.
TYPE_OWNERS = {
    "UserResource": USER, "User": USER,
    "OrganizationResource": ORGANIZATION, "Organization": ORGANIZATION,
    "SessionResource": SESSION, "SignedInSessionResource": SESSION, "ActiveSessionResource": SESSION,
    "PendingSessionResource": SESSION, "Session": SESSION,
    "ExternalAccountResource": ACCOUNT, "ExternalAccount": ACCOUNT,
    "PublicUserData": MEMBER_USER,
}

# Backend API results (not typed by clerk_resources, which holds the client types). A leading
# `*` matches any receiver: `clerkClient.users`, `(await clerkClient()).users`, a destructured
# `users`. Lists are matched once their element is taken (`[]`): v4 returned the array itself,
# v5 a `{ data, totalCount }` page.
_USER_METHODS = ("getUser", "createUser", "updateUser", "updateUserProfileImage", "updateUserMetadata",
                 "deleteUser", "banUser", "unbanUser", "lockUser", "unlockUser", "deleteUserProfileImage",
                 "setPasswordCompromised", "unsetPasswordCompromised")
_ORG_METHODS = ("getOrganization", "createOrganization", "updateOrganization", "updateOrganizationLogo",
                "updateOrganizationMetadata", "deleteOrganizationLogo")
SERVER_RESULTS: tuple[tuple[str, str], ...] = (
    ("currentUser()", USER),
    ("*.locals.currentUser()", USER),
    ("locals.currentUser()", USER),
    *((f"*users.{m}()", USER) for m in _USER_METHODS),
    ("*users.getUserList()[]", USER),
    ("*users.getUserList().data[]", USER),
    *((f"*organizations.{m}()", ORGANIZATION) for m in _ORG_METHODS),
    ("*organizations.getOrganizationList()[]", ORGANIZATION),
    ("*organizations.getOrganizationList().data[]", ORGANIZATION),
    ("*organizations.getOrganizationMembershipList().data[].publicUserData", MEMBER_USER),
    ("*users.getOrganizationMembershipList().data[].publicUserData", MEMBER_USER),
    ("*.externalAccounts[]", ACCOUNT),
    ("externalAccounts[]", ACCOUNT),
)
# Backend classes an annotation may name (`(user: User) => ...`), bound like a result.
ANNOTATED_TYPES = frozenset({"User", "Organization", "Session", "ExternalAccount"})
# SDKs whose composables return refs: `user.value.firstName` reads the user's `firstName`.
REF_MODULES = ("@clerk/vue", "@clerk/nuxt", "vue-clerk", "@clerk/astro")
# Array methods whose result is one element, or the same array.
_ONE = frozenset({".find", ".findLast", ".at", ".pop", ".shift"})
_SAME = frozenset({".filter", ".slice", ".sort", ".toSorted", ".toReversed", ".reverse"})


@lru_cache(maxsize=None)
def _patterns():
    return tuple((chain_pattern(glob), owner) for glob, owner in SERVER_RESULTS)


def _normalise(ops: tuple[str, ...], module: str) -> tuple[str, ...]:
    """Element reads as `[]`; `.find(...)` as one element; `.filter(...)` as the same array;
    `.value` of a ref dropped; `.then` is not followed here (value_flow binds its parameter)."""
    out: list[str] = []
    refs = module.startswith(REF_MODULES)
    index = 0
    while index < len(ops):
        op = op_next = ops[index]
        following = ops[index + 1] if index + 1 < len(ops) else ""
        if op[1:].isdigit():
            out.append(ELEMENT)
        elif op in _ONE and following == "()":
            out.append(ELEMENT)
            index += 1
        elif op in _SAME and following == "()":
            index += 1
        elif not (refs and op_next == ".value"):
            out.append(op)
        index += 1
    return tuple(out)


@lru_cache(maxsize=65536)  # the same few chains in file after file
def owner_of(module: str, export: str, ops: tuple[str, ...]) -> Optional[str]:
    """What the value `export` of `module` is after `ops`: USER, ORGANIZATION, ... or None."""
    normal = _normalise(ops, module)
    if export in ANNOTATED_TYPES and normal[:1] == (clerk_resources.ANNOTATED,):
        return TYPE_OWNERS.get(export) if len(normal) == 1 else _server_owner(export, normal[1:])
    state = clerk_resources.state_of(module, export, normal)
    if isinstance(state, TypeRef):
        return None if state.array else TYPE_OWNERS.get(state.name)
    return _server_owner(export, normal)


def _server_owner(export: str, ops: tuple[str, ...]) -> Optional[str]:
    chain = export + "".join(ops)
    return next((owner for pattern, owner in _patterns() if pattern.fullmatch(chain)), None)


def is_array(module: str, export: str, ops: tuple[str, ...]) -> bool:
    """A Backend API list of users / organizations (`getUserList()`, `.data`): its elements
    are bound by array callbacks like those of a typed client array."""
    return owner_of(module, export, (*ops, ELEMENT)) is not None


def counterpart(owner: str, field: str) -> Optional[str]:
    return FIELDS.get(owner, {}).get(field)
