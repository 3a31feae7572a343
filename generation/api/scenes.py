"""Scenes: list (with their status and current take), edit, reorder.

Edits are validated by the storyboard's own form (`SceneForm`: durations of the scene's
provider, cast among the characters the editor may see) and made by `scene_edits`.
"""

from __future__ import annotations

from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from characters.models import Character
from generation.api.auth import caller, episode_for, scene_for, writer
from generation.api.fields import NO_NUL, SOME_TEXT
from generation.api.problems import Problem, form_problem
from generation.board.render import board_scenes
from generation.board.status import card_take, scene_status
from generation.providers import provider_names, shot_rules
from projects import scene_edits
from projects.access import require
from projects.forms import AddSceneForm, ReorderForm, SceneForm, provider_choices
from projects.models import Scene

router = Router(tags=["scenes"])


class SceneOut(Schema):
    id: int
    episode_id: int
    position: int
    heading: str
    action: str
    camera: str
    duration_seconds: int
    cast: list[str]
    provider: str
    omitted: bool
    status: str
    take_id: int | None


class SceneIn(Schema):
    """Only the fields sent change; cast is a list of up to two @handles."""

    heading: str | None = Field(None, max_length=200, pattern=SOME_TEXT)
    action: str | None = Field(None, max_length=20_000, pattern=NO_NUL)
    camera: str | None = Field(None, max_length=200, pattern=NO_NUL)
    look: str | None = Field(None, max_length=80, pattern=NO_NUL)
    duration_seconds: int | None = Field(None, ge=1, le=600)
    cast: list[Annotated[str, Field(max_length=31, pattern=NO_NUL)]] | None = Field(
        None, max_length=2
    )
    provider: str | None = Field(None, max_length=40, pattern=NO_NUL)


class NewSceneIn(Schema):
    """A new scene after `after` (a scene of the episode), or at the end."""

    after: int | None = None
    heading: str = Field("", max_length=200, pattern=NO_NUL)


class OmitIn(Schema):
    omitted: bool = Field(True, description="true: omit the scene; false: bring it back.")


class OrderIn(Schema):
    scene_ids: list[int] = Field(max_length=2000)


def scene_out(scene: Scene, visible: set[int]) -> SceneOut:
    take = card_take(scene)
    return SceneOut(
        id=scene.pk, episode_id=scene.episode_id, position=scene.position, heading=scene.heading,
        action=scene.action, camera=scene.camera, duration_seconds=scene.duration_seconds,
        # A cast member the caller may not see is left out: not even the handle leaks.
        cast=[c.handle for c in scene.cast.all() if c.pk in visible],
        provider=scene.effective_provider, omitted=scene.omitted, status=scene_status(scene),
        take_id=take.pk if take else None,
    )  # fmt: skip


def visible_ids(user: object) -> set[int]:
    return set(Character.objects.visible_to(user).values_list("pk", flat=True))  # type: ignore[arg-type]


@router.get("/episodes/{episode_id}/scenes", response=list[SceneOut])
def scenes(request: HttpRequest, episode_id: int) -> list[SceneOut]:
    found = caller(request)
    episode, _ = episode_for(found, episode_id)
    visible = visible_ids(found.user)
    return [scene_out(s, visible) for s in board_scenes(episode)]


@router.get("/scenes/{scene_id}", response=SceneOut)
def scene(request: HttpRequest, scene_id: int) -> SceneOut:
    found = caller(request)
    found_scene, _ = scene_for(found, scene_id)
    if found_scene.archived_at is not None:
        raise Http404
    return scene_out(found_scene, visible_ids(found.user))


def _form_data(scene: Scene, payload: SceneIn, visible: set[int]) -> dict[str, object]:
    handles = [c.handle for c in scene.cast.all() if c.pk in visible]
    sent = payload.dict(exclude_unset=True)
    if "cast" in sent:
        handles = list(sent.pop("cast") or [])
    handles += ["", ""]
    data: dict[str, object] = {
        "heading": scene.heading, "action": scene.action, "camera": scene.camera,
        "look": scene.look, "duration_seconds": scene.duration_seconds, "provider": scene.provider,
    }  # fmt: skip
    data.update({k: v for k, v in sent.items() if v is not None})
    data["cast_1"], data["cast_2"] = handles[0], handles[1]
    return data


@router.patch("/scenes/{scene_id}", response=SceneOut)
def edit_scene(request: HttpRequest, scene_id: int, payload: SceneIn) -> SceneOut:
    """Change a scene as its storyboard card does (the same form and service)."""
    found = writer(request)
    found_scene, member = scene_for(found, scene_id)
    require(member.can_edit_script, member)
    if found_scene.archived_at is not None:
        raise Http404
    visible = visible_ids(found.user)
    project = found_scene.episode.project
    form = SceneForm(
        _form_data(found_scene, payload, visible), user=found.user,
        durations=shot_rules(found_scene.provider or project.provider).durations,
        providers=provider_choices(project.provider, provider_names()),
    )  # fmt: skip
    if not form.is_valid():
        raise form_problem(form)
    data = form.cleaned_data
    changes = scene_edits.SceneChanges(
        heading=data["heading"], action=data["action"], camera=data["camera"],
        look=data["look"], duration_seconds=data["duration_seconds"], cast=data["cast"],
        provider=data["provider"],
    )  # fmt: skip
    try:
        rules = shot_rules(changes.provider or project.provider)
        scene_edits.update_scene(scene=found_scene, changes=changes, rules=rules)
    except scene_edits.EditRefused as exc:
        raise Problem(409, str(exc), "edit-refused") from None
    return scene_out(Scene.objects.get(pk=found_scene.pk), visible)


@router.post("/episodes/{episode_id}/scenes/order", response=list[SceneOut])
def reorder(request: HttpRequest, episode_id: int, payload: OrderIn) -> list[SceneOut]:
    """Put the storyboard in this order (ids not given keep their relative order)."""
    found = writer(request)
    episode, member = episode_for(found, episode_id)
    require(member.can_edit_script, member)
    form = ReorderForm({"order": ",".join(str(pk) for pk in payload.scene_ids)})
    if not form.is_valid():
        raise form_problem(form)
    scene_edits.reorder_scenes(episode=episode, order=form.cleaned_data["order"])
    visible = visible_ids(found.user)
    return [scene_out(s, visible) for s in board_scenes(episode)]


def _editable(request: HttpRequest, scene_id: int) -> tuple[Scene, set[int]]:
    """The scene, if the caller may edit the script (as the storyboard's edit views)."""
    found = writer(request)
    found_scene, member = scene_for(found, scene_id)
    require(member.can_edit_script, member)
    if found_scene.archived_at is not None:
        raise Http404
    return found_scene, visible_ids(found.user)


def _board(scene: Scene, visible: set[int]) -> list[SceneOut]:
    return [scene_out(s, visible) for s in board_scenes(scene.episode)]


@router.post("/episodes/{episode_id}/scenes", response={201: list[SceneOut]})
def add(request: HttpRequest, episode_id: int, payload: NewSceneIn) -> Status[list[SceneOut]]:
    """Add a scene (as the storyboard's Add scene); answers the board in its new order."""
    found = writer(request)
    episode, member = episode_for(found, episode_id)
    require(member.can_edit_script, member)
    form = AddSceneForm(payload.dict())
    if not form.is_valid():
        raise form_problem(form)
    data = form.cleaned_data
    after = None
    if data.get("after"):
        after = episode.scenes.filter(pk=data["after"], archived_at__isnull=True).first()
        if after is None:
            message = "No such scene on this storyboard."
            raise Problem(
                422, message, "invalid-input", errors=[{"field": "after", "message": message}]
            )
    heading = data.get("heading") or "INT. NEW SCENE - DAY"
    scene_edits.add_scene(
        episode=episode, after=after, heading=heading, rules=shot_rules(episode.project.provider)
    )
    visible = visible_ids(found.user)
    return Status(201, [scene_out(s, visible) for s in board_scenes(episode)])


@router.post("/scenes/{scene_id}/split", response=list[SceneOut])
def split(request: HttpRequest, scene_id: int) -> list[SceneOut]:
    """Split the scene in two at the middle of its dialogue or action (409 for a single beat)."""
    found_scene, visible = _editable(request, scene_id)
    try:
        scene_edits.split_scene(scene=found_scene)
    except scene_edits.EditRefused as exc:
        raise Problem(409, str(exc), "edit-refused") from None
    return _board(found_scene, visible)


@router.post("/scenes/{scene_id}/merge", response=list[SceneOut])
def merge(request: HttpRequest, scene_id: int) -> list[SceneOut]:
    """Merge the next scene into this one (409 for the last scene or too many characters)."""
    found_scene, visible = _editable(request, scene_id)
    try:
        scene_edits.merge_with_next(
            scene=found_scene, rules=shot_rules(found_scene.effective_provider)
        )
    except scene_edits.EditRefused as exc:
        raise Problem(409, str(exc), "edit-refused") from None
    return _board(found_scene, visible)


@router.post("/scenes/{scene_id}/omit", response=SceneOut)
def omit(request: HttpRequest, scene_id: int, payload: OmitIn) -> SceneOut:
    """Omit the scene (kept on the board, never generated or exported) or bring it back."""
    found_scene, visible = _editable(request, scene_id)
    try:
        scene_edits.set_omitted(
            episode=found_scene.episode, scene_ids=[found_scene.pk], omitted=payload.omitted
        )
    except scene_edits.EditRefused as exc:
        raise Problem(409, str(exc), "edit-refused") from None
    return scene_out(Scene.objects.get(pk=found_scene.pk), visible)
