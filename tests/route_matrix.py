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
COMMENT = frozenset({"owner", "producer", "writer", "reviewer"})  # everyone but viewers
MANAGE = frozenset({"owner", "producer"})  # projects: create, settings, team, archive
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


def _api(method: str) -> Rule:
    return Rule(method, NOBODY, outsider="401", anonymous="401", others="401")


API_GET, API_POST, API_PUT, API_PATCH, API_DELETE = (
    _api(m) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")
)

ROUTES: dict[str, Rule] = {
    "login": page(ALL, outsider="ok", anonymous="ok"),
    "logout": action(ALL, outsider="ok", anonymous="ok"),
    # Django's password views (django.contrib.auth.urls): one's own account, in no studio.
    "password_change": page(ALL, outsider="ok"),
    "password_change_done": page(ALL, outsider="ok"),
    "password_reset": page(ALL, outsider="ok", anonymous="ok"),
    "password_reset_done": page(ALL, outsider="ok", anonymous="ok"),
    "password_reset_confirm": page(ALL, outsider="ok", anonymous="ok"),  # "invalid link" page
    "password_reset_complete": page(ALL, outsider="ok", anonymous="ok"),
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
    "generation:new_studio": page(ALL, outsider="ok"),  # anyone signed in may found a studio
    "generation:studio_settings": page(OWNER),
    # exports: every member watches and downloads; producers and owners start and cancel
    "generation:episode_exports": page(),
    "generation:start_export": action(SPEND),
    "generation:subtitle_font": action(SPEND),  # producers and owners, like exports
    "generation:export_badge": page(),  # the storyboard's Export button, fetched on load
    "generation:export_detail": page(),
    "generation:export_progress": page(),
    "generation:cancel_export": action(SPEND),
    "generation:export_file": page(),
    # translations: every member reads them; writers, producers and owners save them
    "generation:translations": page(),
    "generation:translation": page(),
    # the world's export has no translated track: the file is unknown to everyone
    "generation:export_subtitles": Rule("GET", NOBODY, others="404"),
    # sound (docs/sound.md): voices follow the character's privacy, its owner edits them
    "generation:character_voices": CHARACTER_PAGE,
    "generation:voice_sample": CHARACTER_EDIT,  # no voice saved in the world: 400 for its owner
    "generation:voice_sample_audio": CHARACTER_PAGE,  # no sample made: 204
    "generation:project_sound": page(),  # every member reads; owners and producers save (POST)
    "generation:project_music": action(MANAGE),
    "generation:episode_music": action(MANAGE),
    "generation:voice_episode": action(EDIT),  # no speech provider in the world: a message
    "generation:scene_sound": page(),  # every member reads; writers and up save (POST)
    "generation:scene_ambience": action(EDIT),
    "generation:voice_scene": action(EDIT),
    "generation:scene_dialogue": page(),  # no voiced lines in the world: 204
    "generation:my_reviews": page(REVIEW),
    "generation:allow_retake": action(SPEND),  # the world's project has no cap: 409 for them
    "generation:bell": page(ALL, outsider="ok", anonymous="ok"),  # signed out: 204, no bell
    # the review room (docs/roles.md): every member watches; owners and reviewers decide
    "generation:review_room": page(),
    "generation:review_room_scene": page(),
    "generation:review_batch": action(REVIEW),
    "generation:request_review": action(EDIT),  # writers, producers, owners ask reviewers
    "generation:decide_take": action(REVIEW),
    "generation:comment_take": action(COMMENT),
    "generation:resolve_comment": action(COMMENT),
    "generation:retake": action(EDIT),  # a retake is a single scene's generation
    "generation:review_dashboard": page(),
    "generation:project_activity": page(),
    "generation:review_dashboard_csv": page(),
    # one's own notifications: any signed-in user, in a studio or not
    "generation:notifications": page(ALL, outsider="ok"),
    "generation:read_notifications": action(ALL, outsider="ok"),
    "generation:notification_settings": action(ALL, outsider="ok"),
    # character design (docs/characters.md): the character's owner, in a studio whose role
    # may generate; the studio pays, so a non-member gets 404; the settings are the owner's
    "generation:design_start": Rule("GET", CHARACTER_OWNER, outsider="403"),
    "generation:design": page(CHARACTER_OWNER),
    "generation:design_candidates": page(CHARACTER_OWNER),
    "generation:design_candidate_image": page(CHARACTER_OWNER),
    "generation:design_pick": action(CHARACTER_OWNER),
    "generation:design_discard": action(CHARACTER_OWNER),
    "generation:design_clip": page(CHARACTER_OWNER),  # GET: the clip panel
    "generation:design_clip_use": action(CHARACTER_OWNER),
    "generation:design_clip_video": page(CHARACTER_OWNER),
    "generation:design_settings": page(OWNER),
    # projects
    "generation:home": page(ALL, outsider="ok"),
    # Signed-in people are sent home (302); visitors get the form (open sign-up, the default).
    "projects:signup": page(ALL, outsider="ok", anonymous="ok"),
    "projects:account": page(ALL, outsider="ok"),
    # An empty choice names no studio: 404 for everyone signed in, as a foreign studio's id.
    "projects:switch_studio": Rule("POST", NOBODY, outsider="404", others="404"),
    "projects:activity": page(OWNER),
    "projects:members": page(),  # every member sees the list; only the owner invites (POST)
    "projects:set_role": action(OWNER),
    "projects:remove_member": action(OWNER),  # of another member (leaving oneself: any role)
    "projects:revoke_invitation": action(OWNER),
    # The link is the credential: whoever holds it sees the invitation, signed in or not.
    "projects:invitation": page(ALL, outsider="ok", anonymous="ok"),
    "generation:project": page(),
    "generation:new_project": page(MANAGE),
    # Every member reads the settings (the form shown disabled); saving (POST) is for
    # owners and producers (tests/test_project_pages.py).
    "generation:project_settings": page(),
    "projects:archive_project": action(MANAGE),
    "projects:new_episode": page(EDIT),
    "projects:edit_episode": page(EDIT),
    "projects:move_episode": action(EDIT),
    "projects:archive_episode": action(EDIT),
    "board:storyboard": page(),
    "board:edit_script": page(EDIT),
    "projects:latest_script_version": page(),
    "projects:script_version": page(),
    "board:add_scene": action(EDIT),
    "board:reorder_scenes": action(EDIT),
    "board:batch_edit": action(EDIT),
    "board:scene_card": page(),
    "board:scene_cards": page(),  # the next chunk of cards as one scrolls
    "board:edit_scene": page(EDIT),
    "board:move_scene": action(EDIT),
    "board:split_scene": action(EDIT),
    "board:merge_scene": action(EDIT),
    "board:duplicate_scene": action(EDIT),
    "board:omit_scene": action(EDIT),
    # The HTTP API (docs/api.md) takes personal access tokens only: a signed-in session is
    # not a credential there (401 for everyone), so no page can be made to call it (CSRF).
    # Its token contract per role is tests/test_api_contract.py.
    "api:openapi-json": page(ALL, outsider="ok", anonymous="ok"),
    "api:openapi-view": page(ALL, outsider="ok", anonymous="ok"),
    "api:api-root": Rule("GET", NOBODY, outsider="404", anonymous="404", others="404"),
    "api:me": API_GET,
    "api:studios": API_GET,
    "api:projects": API_GET,
    "api:project": API_GET,
    "api:episodes": API_GET,
    "api:episode": API_GET,
    "api:script": API_GET,
    "api:scenes": API_GET,
    "api:scene": API_GET,
    "api:characters": API_GET,
    "api:character": API_GET,
    "api:takes": API_GET,
    "api:batch": API_GET,
    "api:take": API_GET,
    "api:take_video": API_GET,
    "api:decisions": API_GET,
    "api:exports": API_GET,
    "api:export": API_GET,
    "api:export_video": API_GET,
    "api:webhooks": API_GET,
    "api:events": API_GET,
    "api:preview": API_POST,
    "api:reorder": API_POST,
    "api:create": API_POST,
    "api:upload_reference": API_POST,
    "api:estimate": API_POST,
    "api:request_takes": API_POST,
    "api:cancel": API_POST,
    "api:decide": API_POST,
    "api:comment": API_POST,
    "api:start": API_POST,
    "api:register": API_POST,
    "api:apply": API_PUT,
    "api:set_privacy": API_PUT,
    "api:edit_scene": API_PATCH,
    "api:remove": API_DELETE,
    "api:add": API_POST,
    "api:split": API_POST,
    "api:merge": API_POST,
    "api:omit": API_POST,
    "api:resubmit": API_POST,
    "api:fallback": API_POST,
    "api:remix": API_POST,
    "api:retake": API_POST,
    "api:decide_batch": API_POST,
    "api:cancel_export": API_POST,
    "api:export_subtitles": API_GET,
    # API tokens: one's own, on the account page (any signed-in user; revoking another's: 404)
    "tokens:tokens": page(ALL, outsider="ok"),
    "tokens:revoke": Rule("POST", NOBODY, outsider="404", others="404"),
}

# The Django admin: staff only; every other identity is sent to the admin's login.
ADMIN_NAMESPACE = "admin"

# ASGI WebSocket routes (by their route text) and the roles that may connect.
SOCKETS: dict[str, frozenset[str]] = {
    "ws/episodes/<int:episode_id>/": ALL,
    "ws/episodes/<int:episode_id>/review/": ALL,
    # one's own notification bell: any signed-in user, in a studio or not
    "ws/notifications/": ALL | {"outsider"},
}
