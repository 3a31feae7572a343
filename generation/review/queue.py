"""The studio-wide "My reviews" queue: scenes whose latest finished take waits for review."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib.auth.models import User

from generation.board.render import card_scenes
from generation.board.status import card_take, scene_status
from generation.models import GenerationStatus, ReviewStatus, Take
from projects.models import Project, Scene, Studio


def waiting_scenes(*, studio: Studio, user: User) -> list[dict[str, Any]]:
    """The studio's scenes waiting for review that `user` may see, grouped by episode.

    Only active projects and episodes the user may see (`Project.objects.for_user`, so a
    project's team is honoured); omitted scenes are not reviewed. Each group is
    {"episode": Episode, "scenes": [Scene, ...]} in project, episode and scene order.
    """
    projects = Project.objects.for_user(user).active().filter(studio=studio)
    scenes = card_scenes(
        Scene.objects.filter(
            episode__project__in=projects, episode__archived_at__isnull=True, omitted=False
        ).filter(pk__in=Take.objects.filter(
            generation_status=GenerationStatus.SUCCEEDED, review_status=ReviewStatus.UNREVIEWED
        ).values("scene_id"))
        .select_related("episode__project")
        .order_by("episode__project__name", "episode__project_id", "episode__number",
                  "episode_id", "position", "pk")
    )  # fmt: skip
    waiting = [s for s in scenes if scene_status(s) == "needs_review"]
    # Within an episode, scenes whose take the continuity check flagged come first.
    return [
        {"episode": episode_scenes[0].episode, "scenes": sorted(episode_scenes, key=_unflagged)}
        for episode_scenes in (list(g) for _, g in groupby(waiting, key=lambda s: s.episode_id))
    ]


def _unflagged(scene: Scene) -> bool:
    take = card_take(scene)
    return not (take is not None and take.continuity_flagged)
