"""Vue, Astro and Svelte single-file components: script blocks through the JS pipeline, template tags
resolved to the script's Clerk imports, Nuxt auto-imports; every position points into the
original file."""
from __future__ import annotations

from pathlib import Path

import pytest

from clerk_lint.readers.ecma import nuxt as sfc_nuxt
from clerk_lint.concepts.catalog import load_catalog
from clerk_lint.discover.walk import language_for
from clerk_lint.scan.driver import run_scan

CATALOG = load_catalog()


@pytest.fixture(autouse=True)
def _fresh_nuxt_cache():
    sfc_nuxt.clear_caches()
    yield
    sfc_nuxt.clear_caches()


def scan(root: Path):
    return run_scan([root], CATALOG)


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def spans(result, path: str | None = None):
    """(code, symbol, line, column, end_line, end_column) per finding, in report order."""
    return [(f.code, f.symbol, f.location.line, f.location.column, f.location.end_line, f.location.end_column)
            for f in result.findings if path is None or f.location.path == path]


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def loc(text: str, line: int, snippet: str, occurrence: int = 0) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) of `snippet` on 1-based `line` of `text`, in the
    reporters' convention: 1-based UTF-16 columns, end exclusive."""
    source_line = text.splitlines()[line - 1]
    index = -1
    for _ in range(occurrence + 1):
        index = source_line.index(snippet, index + 1)
    column = _units(source_line[:index]) + 1
    return line, column, line, column + _units(snippet)


def test_languages_registered():
    assert language_for("App.vue") == "vue"
    assert language_for("index.astro") == "astro"
    assert language_for("+page.svelte") == "svelte"


# --------------------------------------------------------------------------- Vue

VUE_SETUP = """\
<script setup lang="ts">
import { SignedIn, UserButton, useUser } from "@clerk/vue";
import AppLogo from "./AppLogo.vue";

const { user } = useUser();
</script>

<template>
  <header class="bar">
    <AppLogo />
    <SignedIn>
      <UserButton :show-name="true" />
    </SignedIn>
    <user-button />
    <!-- <UserButton /> stays a comment -->
    <p>{{ user?.firstName }}</p>
  </header>
</template>

<style scoped>
.bar > UserButton { display: flex; }
</style>
"""


def test_vue_script_setup_and_template_positions(tmp_path):
    write(tmp_path, "Header.vue", VUE_SETUP)
    result = scan(tmp_path)
    t = VUE_SETUP
    assert spans(result) == [
        ("CLK001", "SignedIn, UserButton, useUser", *loc(t, 2, 'import { SignedIn, UserButton, useUser } from "@clerk/vue";')),
        ("CLK201", "useUser", *loc(t, 5, "useUser()")),
        ("CLK108", "SignedIn", *loc(t, 11, "<SignedIn>")),
        ("CLK104", "UserButton", *loc(t, 12, '<UserButton :show-name="true" />')),
        ("CLK104", "UserButton", *loc(t, 14, "<user-button />")),
        ("CLK240", "user.firstName", *loc(t, 16, "user?.firstName")),  # a template expression
    ]
    assert loc(t, 12, "<UserButton") == (12, 7, 12, 18)  # the helper itself: 1-based, end exclusive
    lines = VUE_SETUP.splitlines()
    for f in result.findings:  # the reported source line is the original file's line
        assert f.location.source_line == lines[f.location.line - 1]


def test_vue_options_api_and_two_script_blocks(tmp_path):
    write(tmp_path, "Account.vue", """\
<template>
  <div>
    <SignOutButton><button>Sign out</button></SignOutButton>
  </div>
</template>

<script>
import { SignOutButton } from "@clerk/vue";

export default {
  components: { SignOutButton },
};
</script>

<script setup>
import { useAuth } from "@clerk/vue";
const { userId } = useAuth();
</script>
""")
    result = scan(tmp_path)
    assert [(f.code, f.location.line, f.location.column) for f in result.findings] == [
        ("CLK103", 3, 5),    # template tag
        ("CLK001", 8, 1),
        ("CLK103", 11, 17),  # registered in `components`
        ("CLK001", 16, 1),
        ("CLK202", 17, 20),
    ]


def test_vue_utf16_columns_and_multibyte_text_outside_the_script(tmp_path):
    text = """\
<template>
  <p>Überschrift — 🎉 willkommen</p><SignIn />
</template>
<script setup lang="ts">
import { SignIn, useClerk } from "@clerk/vue";
const ünïcode = "✓"; const clerk = useClerk();
</script>
"""
    write(tmp_path, "Welcome.vue", text)
    result = scan(tmp_path)
    got = spans(result)
    # `<SignIn />` follows 36 UTF-16 units on line 2 (49 bytes: the emoji is 4 bytes, 2 units).
    assert ("CLK102", "SignIn", 2, 37, 2, 47) in got
    assert ("CLK102", "SignIn", *loc(text, 2, "<SignIn />")) in got
    assert ("CLK203", "useClerk", *loc(text, 6, "useClerk()")) in got


def test_vue_without_clerk_is_skipped(tmp_path):
    write(tmp_path, "Plain.vue", '<script setup>\nimport { ref } from "vue";\n</script>\n<template><UserButton /></template>\n')
    assert scan(tmp_path).findings == []


def test_vue_tag_resolves_only_to_the_import_it_names(tmp_path):
    write(tmp_path, "Menu.vue", """\
<script setup lang="ts">
import UserButton from "./UserButton.vue";
import { OrganizationSwitcher as OrgSwitch } from "@clerk/vue";
</script>
<template>
  <UserButton />
  <OrgSwitch hide-personal />
  <org-switch />
  <OrganizationSwitcher />
</template>
""")
    result = scan(tmp_path)
    assert [(f.code, f.symbol, f.location.line) for f in result.findings] == [
        ("CLK001", "OrganizationSwitcher", 3),
        ("CLK106", "OrganizationSwitcher", 7),
        ("CLK106", "OrganizationSwitcher", 8),
    ]


def test_vue_script_syntax_errors_are_partial_problems(tmp_path):
    write(tmp_path, "Broken.vue", '<script setup lang="ts">\nimport { useUser } from "@clerk/vue";\nconst = useUser(;\n</script>\n')
    result = scan(tmp_path)
    assert any(p.kind == "parse-partial" for p in result.problems)
    assert ("CLK001", 2) in [(f.code, f.location.line) for f in result.findings]


# --------------------------------------------------------------------------- Nuxt

NUXT_CONFIG = """\
export default defineNuxtConfig({
  modules: ["@nuxtjs/tailwindcss", ["@clerk/nuxt", { skipServerMiddleware: false }]],
  compatibilityDate: "2025-01-01",
});
"""

NUXT_PAGE = """\
<script setup lang="ts">
const { isSignedIn } = useAuth();
const { user } = useUser();
function useSession() {
  return { session: null };
}
const { session } = useSession();
</script>

<template>
  <main>
    <SignedOut><SignInButton /></SignedOut>
    <user-profile v-if="isSignedIn" />
    <OrganizationList />
  </main>
</template>
"""


def test_nuxt_auto_imports(tmp_path):
    write(tmp_path, "package.json", '{"name": "shop"}\n')
    write(tmp_path, "nuxt.config.ts", NUXT_CONFIG)
    write(tmp_path, "components/OrganizationList.vue", "<template><ul /></template>\n")
    write(tmp_path, "pages/account/index.vue", NUXT_PAGE)
    result = scan(tmp_path)
    t = NUXT_PAGE
    assert spans(result, "pages/account/index.vue") == [
        ("CLK202", "useAuth", *loc(t, 2, "useAuth()")),
        ("CLK201", "useUser", *loc(t, 3, "useUser()")),
        # useSession is declared in the file; <OrganizationList> is the project's own component
        ("CLK108", "SignedOut", *loc(t, 12, "<SignedOut>")),
        ("CLK103", "SignInButton", *loc(t, 12, "<SignInButton />")),
        ("CLK105", "UserProfile", *loc(t, 13, '<user-profile v-if="isSignedIn" />')),
        ("CLK243", "useAuth().isSignedIn", *loc(t, 13, "isSignedIn")),  # the template reads the flag
    ]
    packages = {f.package for f in result.findings if f.location.path != "nuxt.config.ts"}  # CLK917 there
    assert packages == {"@clerk/nuxt/composables", "@clerk/nuxt/components"}


def test_nuxt_project_composable_and_explicit_import_win(tmp_path):
    write(tmp_path, "nuxt.config.ts", NUXT_CONFIG)
    write(tmp_path, "composables/useUser.ts", "export const useUser = () => useState('user');\n")
    write(tmp_path, "app.vue", """\
<script setup lang="ts">
import { useAuth } from "~/composables/auth";
const { user } = useUser();
const { userId } = useAuth();
const clerk = useClerk();
</script>
<template><NuxtPage /></template>
""")
    result = scan(tmp_path)
    assert [(f.code, f.symbol, f.location.line) for f in result.findings
            if f.location.path == "app.vue"] == [("CLK203", "useClerk", 5)]


def test_nuxt_without_the_clerk_module(tmp_path):
    write(tmp_path, "nuxt.config.ts", 'export default defineNuxtConfig({ modules: ["@pinia/nuxt"] });\n')
    write(tmp_path, "pages/index.vue", "<script setup>\nconst { user } = useUser();\n</script>\n<template><UserButton /></template>\n")
    assert scan(tmp_path).findings == []


def test_nuxt_config_found_from_a_nested_folder_and_module_import_form(tmp_path):
    write(tmp_path, "web/nuxt.config.mjs", 'import clerk from "@clerk/nuxt";\nexport default { modules: [clerk] };\n')
    write(tmp_path, "web/package.json", "{}\n")
    write(tmp_path, "web/layers/base/components/deep/Nav.vue", "<template>\n  <nav><UserButton /></nav>\n</template>\n")
    result = scan(tmp_path)
    got = [(f.location.path, f.code, f.location.line) for f in result.findings]
    assert ("web/layers/base/components/deep/Nav.vue", "CLK104", 2) in got


def test_package_json_stops_the_nuxt_config_walk(tmp_path):
    write(tmp_path, "nuxt.config.ts", NUXT_CONFIG)
    write(tmp_path, "packages/docs/package.json", "{}\n")
    write(tmp_path, "packages/docs/Page.vue", "<template><UserButton /></template>\n")
    assert [f for f in scan(tmp_path).findings if f.location.path != "nuxt.config.ts"] == []


# --------------------------------------------------------------------------- Astro

ASTRO_PAGE = """\
---
import Layout from "../layouts/Layout.astro";
import { SignedIn, SignedOut, UserButton } from "@clerk/astro/components";
import * as Clerk from "@clerk/astro/components";
import { clerkClient } from "@clerk/astro/server";

const { userId } = Astro.locals.auth();
const user = userId ? await clerkClient(Astro).users.getUser(userId) : null;
---

<Layout title="Account">
  <SignedOut><Clerk.SignInButton mode="modal" /></SignedOut>
  <SignedIn>
    <UserButton afterSignOutUrl="/" />
    {user && <p>Hello {user.firstName}</p>}
  </SignedIn>
  <!-- <Clerk.UserProfile /> -->
</Layout>

<script>
  import { $userStore } from "@clerk/astro/client";

  $userStore.subscribe((value) => {
    document.body.dataset.signedIn = String(Boolean(value));
  });
</script>

<style>
  :global(.cl-userButton) > UserButton { margin: 0; }
</style>
"""


def test_astro_frontmatter_template_and_scripts(tmp_path):
    write(tmp_path, "src/pages/account.astro", ASTRO_PAGE)
    result = scan(tmp_path)
    t = ASTRO_PAGE
    assert spans(result) == [
        ("CLK001", "SignedIn, SignedOut, UserButton", *loc(t, 3, t.splitlines()[2])),
        ("CLK001", "*", *loc(t, 4, t.splitlines()[3])),
        ("CLK001", "clerkClient", *loc(t, 5, t.splitlines()[4])),
        ("CLK402", "clerkClient().users.getUser()", *loc(t, 8, "clerkClient(Astro).users.getUser(userId)")),
        ("CLK108", "SignedOut", *loc(t, 12, "<SignedOut>")),
        ("CLK103", "SignInButton", *loc(t, 12, '<Clerk.SignInButton mode="modal" />')),
        ("CLK108", "SignedIn", *loc(t, 13, "<SignedIn>")),
        ("CLK104", "UserButton", *loc(t, 14, '<UserButton afterSignOutUrl="/" />')),
        ("CLK240", "user.firstName", *loc(t, 15, "user.firstName")),  # a body expression
        ("CLK001", "$userStore", *loc(t, 21, 'import { $userStore } from "@clerk/astro/client";')),
        ("CLK919", "$userStore", *loc(t, 23, "$userStore")),
    ]
    lines = ASTRO_PAGE.splitlines()
    for f in result.findings:
        assert f.location.source_line == lines[f.location.line - 1]


def test_astro_arrow_in_attribute_expression_does_not_end_the_tag(tmp_path):
    write(tmp_path, "src/pages/x.astro", """\
---
import { SignOutButton } from "@clerk/astro/components";
---
<SignOutButton redirectUrl={(() => "/bye")()} class="btn" />
""")
    result = scan(tmp_path)
    tag = [f for f in result.findings if f.code == "CLK103"]
    assert [(f.location.line, f.location.column, f.location.end_column) for f in tag] == [(4, 1, 61)]
    assert len('<SignOutButton redirectUrl={(() => "/bye")()} class="btn" />') == 60


def test_astro_without_frontmatter(tmp_path):
    write(tmp_path, "src/components/Island.astro", """\
<div id="who"></div>
<script>
  import { $authStore } from "@clerk/astro/client";
  $authStore.subscribe((auth) => console.log(auth.userId));
</script>
""")
    result = scan(tmp_path)
    assert [(f.code, f.location.line) for f in result.findings] == [("CLK001", 3), ("CLK919", 4)]


# --------------------------------------------------------------------------- Svelte

SVELTE_LAYOUT = """\
<!-- Überschrift — 🎉 layout -->
<script context="module" lang="ts">
  import { useClerkContext } from "svelte-clerk/client";
  export const ssr = true;
</script>

<script lang="ts">
  import { ClerkProvider, SignedIn, UserButton } from "svelte-clerk";
  import Nav from "$lib/Nav.svelte";
  let count = 0;
  $: doubled = count * 2;
  const ctx = useClerkContext();
</script>

<svelte:head><script type="application/ld+json">{"@type": "WebSite"}</script></svelte:head>

<ClerkProvider>
  <p>Grüße 🎉</p>{#if doubled < 4}<SignedIn><UserButton afterSignOutUrl={"/"} /></SignedIn>{/if}
  <!-- <UserButton /> stays a comment -->
  <Nav />
</ClerkProvider>

<style>
  :global(UserButton) { margin: 0; }
</style>
"""


def test_svelte_script_blocks_and_template_positions(tmp_path):
    write(tmp_path, "src/routes/+layout.svelte", SVELTE_LAYOUT)
    result = scan(tmp_path)
    t = SVELTE_LAYOUT
    assert spans(result) == [
        ("CLK001", "useClerkContext", *loc(t, 3, 'import { useClerkContext } from "svelte-clerk/client";')),
        ("CLK001", "ClerkProvider, SignedIn, UserButton",
         *loc(t, 8, 'import { ClerkProvider, SignedIn, UserButton } from "svelte-clerk";')),
        ("CLK937", "useClerkContext", *loc(t, 12, "useClerkContext()")),
        ("CLK101", "ClerkProvider", *loc(t, 17, "<ClerkProvider>")),
        ("CLK108", "SignedIn", *loc(t, 18, "<SignedIn>")),
        ("CLK104", "UserButton", *loc(t, 18, '<UserButton afterSignOutUrl={"/"} />')),
    ]
    assert result.problems == []  # `$:` and the template's `{#if}` never reach the parser
    lines = t.splitlines()
    for f in result.findings:
        assert f.location.source_line == lines[f.location.line - 1]


def test_svelte_module_script_and_runes(tmp_path):
    text = """\
<script module>
  import { SignIn } from "svelte-clerk";
</script>
<script>
  import { useClerkContext } from "svelte-clerk";
  let { data } = $props();
  const ctx = useClerkContext();
  const userId = $derived(ctx.auth.userId);
</script>
{#if !userId}<SignIn />{/if}
"""
    write(tmp_path, "Gate.svelte", text)
    result = scan(tmp_path)
    assert [(f.code, f.location.line, f.location.column) for f in result.findings] == [
        ("CLK001", 2, 3), ("CLK001", 5, 3), ("CLK937", 7, 15), ("CLK102", 10, 14),
    ]


def test_svelte_without_clerk_import_is_not_a_finding(tmp_path):
    write(tmp_path, "Plain.svelte", "<script>\n  import UserButton from './UserButton.svelte';\n"
                                    "  // clerk-free\n</script>\n<UserButton />\n")
    write(tmp_path, "NoScript.svelte", "<p>Clerk docs</p>\n<SignedIn>x</SignedIn>\n")
    assert scan(tmp_path).findings == []


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize("filler", [b"<script lang=\"ts\">", b"<!-- ", b"<UserButton title=\"", b"<style>", b"{<A "])
@pytest.mark.parametrize("suffix", [".vue", ".astro", ".svelte"])
def test_unclosed_blocks_stay_linear(tmp_path, filler, suffix):
    import time

    head = {".vue": b'<script setup>\nimport { UserButton } from "@clerk/vue";\n</script>\n',
            ".astro": b'---\nimport { UserButton } from "@clerk/astro/components";\n---\n',
            ".svelte": b'<script>\nimport { UserButton } from "svelte-clerk";\n</script>\n'}[suffix]
    (tmp_path / f"Huge{suffix}").write_bytes(head + b"<template>\n" + filler * (200_000 // len(filler)) + b"\n")
    started = time.perf_counter()
    result = scan(tmp_path)
    assert time.perf_counter() - started < 20
    assert ("CLK001", 2) in [(f.code, f.location.line) for f in result.findings]
