"""Storyboard edits over htmx: each view checks the editor's role, calls one edit, re-renders.

Board-wide edits answer with the grid, single-scene edits with the card; every edit is
also published, so other viewers' storyboards follow.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from characters.models import Character
from characters.requests import AuthenticatedHttpRequest
from generation.board.render import (
    board_scenes,
    card_scene,
    render_card,
    render_edit,
    render_grid,
    render_notice,
    render_order,
)
from generation.providers import provider_names, shot_rules
from projects import scene_edits
from projects.access import get_episode_for_user, get_scene_for_user, require
from projects.forms import (
    AddSceneForm,
    BatchForm,
    MoveForm,
    ReorderForm,
    SceneForm,
    provider_choices,
)
from projects.models import Episode, Membership, Project, Scene


def _editable_scene(request: AuthenticatedHttpRequest, scene_id: int) -> tuple[Scene, Membership]:
    scene, member = get_scene_for_user(request.user, scene_id)
    require(member.can_edit_script, member)
    if scene.archived_at is not None:
        raise Http404
    return scene, member


def _editable_episode(
    request: AuthenticatedHttpRequest, episode_id: int
) -> tuple[Episode, Membership]:
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_edit_script, member)
    return episode, member


def _refused(exc: Exception) -> HttpResponse:
    # Nothing changed: keep the page as it is and say why in the notice.
    return HttpResponse(render_notice(str(exc)), headers={"HX-Reswap": "none"})


def _card(scene: Scene, member: Membership) -> HttpResponse:
    fresh = card_scene(scene.pk)
    assert fresh is not None  # just edited, not archived
    return HttpResponse(render_card(fresh, member))


def _grid(episode: Episode, member: Membership, notice: str = "") -> HttpResponse:
    return HttpResponse(render_grid(episode, member) + render_notice(notice))


def _order(episode: Episode) -> HttpResponse:
    """After a move: the new order alone; storyboard.js moves and renumbers the cards shown."""
    scenes = Scene.objects.filter(episode=episode, archived_at__isnull=True)
    order = list(scenes.order_by("position", "pk").values_list("pk", flat=True))
    return HttpResponse(render_order(order) + render_notice(""), headers={"HX-Reswap": "none"})


def _visible_characters(request: AuthenticatedHttpRequest) -> list[Character]:
    return list(Character.objects.visible_to(request.user).order_by("name")[:200])


def _providers(project: Project) -> list[tuple[str, str]]:
    return provider_choices(project.provider, provider_names())


def _scene_form(request: AuthenticatedHttpRequest, scene: Scene) -> SceneForm:
    # Only characters this editor may see are shown; saving recasts without the others.
    visible = set(Character.objects.visible_to(request.user).values_list("handle", flat=True))
    handles = [h for h in scene.cast_handles if h in visible] + ["", ""]
    initial = {
        "heading": scene.heading,
        "action": scene.action,
        "camera": scene.camera,
        "look": scene.look,
        "duration_seconds": scene.duration_seconds,
        "cast_1": handles[0],
        "cast_2": handles[1],
        "provider": scene.provider,
    }
    project = scene.episode.project
    data = request.POST if request.method == "POST" else None
    return SceneForm(
        data,
        initial=initial,
        user=request.user,
        durations=shot_rules(scene.provider or project.provider).durations,
        providers=_providers(project),
    )


@login_required
@require_safe
def scene_card(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    scene, member = get_scene_for_user(request.user, scene_id)
    if scene.archived_at is not None:
        raise Http404
    return _card(scene, member)


@login_required
@require_http_methods(["GET", "POST"])
def edit_scene(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    scene, member = _editable_scene(request, scene_id)
    form = _scene_form(request, scene)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = scene_edits.SceneChanges(
            heading=data["heading"],
            action=data["action"],
            camera=data["camera"],
            look=data["look"],
            duration_seconds=data["duration_seconds"],
            cast=data["cast"],
            provider=data["provider"],
        )
        try:
            rules = shot_rules(changes.provider or scene.episode.project.provider)
            scene_edits.update_scene(scene=scene, changes=changes, rules=rules)
        except scene_edits.EditRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _card(scene, member)
    return HttpResponse(render_edit(scene, form, _visible_characters(request)))


@login_required
@require_POST
def move_scene(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    scene, _ = _editable_scene(request, scene_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        offset = -1 if form.cleaned_data["direction"] == "up" else 1
        scene_edits.move_scene(scene=scene, offset=offset)
    return _order(scene.episode)


@login_required
@require_POST
def reorder_scenes(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, _ = _editable_episode(request, episode_id)
    form = ReorderForm(request.POST)
    if form.is_valid():
        scene_edits.reorder_scenes(episode=episode, order=form.cleaned_data["order"])
    return _order(episode)


@login_required
@require_POST
def add_scene(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = _editable_episode(request, episode_id)
    form = AddSceneForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    after = None
    if data.get("after"):
        after = episode.scenes.filter(pk=data["after"], archived_at__isnull=True).first()
    heading = data.get("heading") or "INT. NEW SCENE - DAY"
    rules = shot_rules(episode.project.provider)
    scene_edits.add_scene(episode=episode, after=after, heading=heading, rules=rules)
    return _grid(episode, member, "Scene added: edit it to write what happens.")


def _scene_action(request: AuthenticatedHttpRequest, scene_id: int, action: str) -> HttpResponse:
    scene, member = _editable_scene(request, scene_id)
    try:
        if action == "split":
            scene_edits.split_scene(scene=scene)
        elif action == "merge":
            scene_edits.merge_with_next(scene=scene, rules=shot_rules(scene.effective_provider))
        elif action == "duplicate":
            scene_edits.duplicate_scene(scene=scene)
        else:
            scene_edits.set_omitted(
                episode=scene.episode, scene_ids=[scene.pk], omitted=not scene.omitted
            )
    except scene_edits.EditRefused as exc:
        return _refused(exc)
    return _grid(scene.episode, member)


@login_required
@require_POST
def split_scene(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    return _scene_action(request, scene_id, "split")


@login_required
@require_POST
def merge_scene(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    return _scene_action(request, scene_id, "merge")


@login_required
@require_POST
def duplicate_scene(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    return _scene_action(request, scene_id, "duplicate")


@login_required
@require_POST
def omit_scene(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    return _scene_action(request, scene_id, "omit")


@login_required
@require_POST
def batch_edit(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = _editable_episode(request, episode_id)
    scene_ids = [s.pk for s in board_scenes(episode)]
    rules = shot_rules(episode.project.provider)
    durations = rules.durations
    providers = _providers(episode.project)
    form = BatchForm(request.POST, scene_ids=scene_ids, durations=durations, providers=providers)
    if not form.is_valid():
        return _refused(ValueError("Select scenes and an action first."))
    data = form.cleaned_data
    try:
        if data["batch_action"] == "duration":
            count = scene_edits.set_duration(
                episode=episode,
                scene_ids=data["scene"],
                seconds=data["duration_seconds"],
                rules=rules,
            )
            notice = f"{count} scene(s) now last {data['duration_seconds']} s."
        elif data["batch_action"] == "provider":
            provider = data["provider"]
            count = scene_edits.set_provider(
                episode=episode, scene_ids=data["scene"], provider=provider
            )
            target = provider or f"the project's provider ({episode.project.provider})"
            notice = f"{count} scene(s) now go to {target}."
        else:
            omit = data["batch_action"] == "omit"
            count = scene_edits.set_omitted(episode=episode, scene_ids=data["scene"], omitted=omit)
            notice = f"{count} scene(s) {'omitted' if omit else 'brought back'}."
    except scene_edits.EditRefused as exc:
        return _refused(exc)
    return _grid(episode, member, notice)
