"""The route matrix's one table: every URL name with who may use it (docs/roles.md).

Adding a route means adding one line here; tests/test_route_matrix.py fails for a route
without one. A rule says which method to send (an empty body: actions answer with their
own form errors, never 500), which studio roles may act (the others get 403), what a
signed-in non-member gets, and what an anonymous visitor gets.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = frozenset({"owner", "producer", "writer", "reviewer", "viewer"})
EDIT = frozenset({"owner", "producer", "writer"})
SPEND = frozenset({"owner", "producer"})
REVIEW = frozenset({"owner", "reviewer"})
OWNER = frozenset({"owner"})
CHARACTER_OWNER = frozenset({"writer"})  # the world's character belongs to the writer
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    method: str
    members: frozenset[str]  # roles that may act; other members get 403
    outsider: str = "404"  # "404" | "403" | "ok": a signed-in user outside the studio
    anonymous: str = "login"  # "login" (redirect) | "ok" | "404"
    others: str = "403"  # what members outside `members` get


def page(members: frozenset[str] = ALL, **kw: str) -> Rule:
    return Rule("GET", members, **kw)


def action(members: frozenset[str], **kw: str) -> Rule:
    return Rule("POST", members, **kw)


# A public character (privacy "everyone") owned by the writer: everyone signed in sees it,
# only its owner edits it (others get 403, as they may know it exists).
CHARACTER_PAGE = page(ALL, outsider="ok")
CHARACTER_EDIT = action(CHARACTER_OWNER, outsider="403")

ROUTES: dict[str, Rule] = {
    "login": page(ALL, outsider="ok", anonymous="ok"),
    "logout": action(ALL, outsider="ok", anonymous="ok"),
    # characters
    "characters:library": CHARACTER_PAGE,
    "characters:create": page(ALL, outsider="ok"),
    "characters:preview": action(ALL, outsider="ok"),  # the outsider has a studio of their own
    "characters:autocomplete": CHARACTER_PAGE,
    "characters:reference_image": CHARACTER_PAGE,
    "characters:reference_thumbnail": CHARACTER_PAGE,
    "characters:detail": CHARACTER_PAGE,
    "characters:edit": Rule("GET", CHARACTER_OWNER, outsider="403"),
    "characters:upload_reference": CHARACTER_EDIT,
    "characters:delete_reference": CHARACTER_EDIT,
    "characters:create_look": CHARACTER_EDIT,
    "characters:delete_look": CHARACTER_EDIT,
    "characters:upload_clip": CHARACTER_EDIT,
    "characters:reference_clip": CHARACTER_PAGE,
    "characters:set_privacy": CHARACTER_EDIT,
    "characters:add_approval": CHARACTER_EDIT,
    "characters:remove_approval": CHARACTER_EDIT,
    "characters:profile": CHARACTER_PAGE,
    "characters:follow": action(ALL, outsider="ok"),
    # generation
    "generation:generate_scene": action(EDIT),
    "generation:generate_all": action(EDIT),  # free (animatic) batches: writers too
    "generation:scene_review": page(),
    "generation:prompt_preview": page(),
    "generation:review_take": action(REVIEW),
    "generation:cancel_take": action(EDIT),
    "generation:resubmit_take": action(EDIT),
    "generation:fallback_take": action(EDIT),
    "generation:remix_take": action(EDIT),
    "generation:providers": page(OWNER),
    "generation:remove_provider": action(OWNER),
    "generation:prices": page(OWNER),
    "generation:script_assistant": page(OWNER),
    "generation:draft_scenes": page(EDIT),
    "generation:costs": page(),
    "generation:characters": page(),
    "generation:generation_settings": page(),
    # Signed by the provider, not by a session: no configured webhook secret → 404.
    "generation:openai_webhook": Rule(
        "POST", NOBODY, outsider="404", anonymous="404", others="404"
    ),
    "generation:take_video": page(),
    "generation:take_thumbnail": page(),
    # projects
    "projects:home": page(ALL, outsider="ok"),
    "projects:project": page(),
    "projects:storyboard": page(),
    "projects:edit_script": page(EDIT),
    "projects:latest_script_version": page(),
    "projects:script_version": page(),
    "projects:add_scene": action(EDIT),
    "projects:reorder_scenes": action(EDIT),
    "projects:batch_edit": action(EDIT),
    "projects:scene_card": page(),
    "projects:edit_scene": page(EDIT),
    "projects:move_scene": action(EDIT),
    "projects:split_scene": action(EDIT),
    "projects:merge_scene": action(EDIT),
    "projects:duplicate_scene": action(EDIT),
    "projects:omit_scene": action(EDIT),
}

# The Django admin: staff only; every other identity is sent to the admin's login.
ADMIN_NAMESPACE = "admin"

# ASGI WebSocket routes (by their route text) and the roles that may connect.
SOCKETS: dict[str, frozenset[str]] = {
    "ws/episodes/<int:episode_id>/": ALL,
}
