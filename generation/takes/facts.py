"""What the door's rules ask about every scene of one request, read in a few queries at once.

`generation/takes/rules.py` keeps the rules; this module only reads their facts for many
scenes together (a 50-scene "Generate all" costs a fixed number of queries, not ~7 a scene):
the scene rows locked in one statement, which scenes are busy, which cast members the
requester may still use, the characters their cues name, take counts and the producers'
"Allow one more take" entries. Credentials and price books are filled in as the rules ask.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, Max, Q, QuerySet

from characters.models import Character
from generation.credentials import ProviderCredential
from generation.models import ACTIVE_STATUSES, ReviewAction, ReviewDecision, Take
from generation.money.pricing import PriceBook
from projects.models import Scene


def lock_scenes(scenes: list[Scene]) -> list[Scene]:
    """The scenes again, each row locked, in the order asked (one statement, rows by pk).

    One request at a time per scene: the busy check and the take number stay true. Their
    cast comes with its looks and references, which the prompt is compiled from.
    """
    locked = (
        Scene.objects.select_for_update()
        .filter(pk__in=[scene.pk for scene in scenes])
        .order_by("pk")
        .select_related("episode__project")
        .prefetch_related("cast__looks", "cast__references")
    )
    by_pk = {scene.pk: scene for scene in locked}
    return [by_pk[scene.pk] for scene in scenes if scene.pk in by_pk]


@dataclass
class RequestFacts:
    """What the rules ask about every scene of one request, read in a few queries at once."""

    busy: set[int]  # scenes with a take in progress
    usable: set[int]  # the cast members the requester may still use
    speakers: list[Character]  # characters the requester may see that some cue names
    takes: dict[int, tuple[int, int | None]]  # per scene: its takes, its newest take's number
    newest: dict[int, int]  # per scene: its newest take's id
    allowed: dict[int, int]  # per scene: producers' "Allow one more take" entries
    credentials: dict[tuple[int, str], tuple[ProviderCredential | None, str]] = field(
        default_factory=dict
    )
    books: dict[str, PriceBook] = field(default_factory=dict)


def read_facts(scenes: list[Scene], user: User) -> RequestFacts:
    ids = [scene.pk for scene in scenes]
    takes = Take.objects.filter(scene_id__in=ids).order_by()
    busy = set(
        takes.filter(generation_status__in=ACTIVE_STATUSES).values_list("scene_id", flat=True)
    )
    counts = {
        row["scene_id"]: (row["n"], row["last"])
        for row in takes.values("scene_id").annotate(n=Count("pk"), last=Max("number"))
    }
    last = {scene_id: number for scene_id, (_, number) in counts.items()}
    newest = {
        scene_id: pk
        for scene_id, pk, number in takes.values_list("scene_id", "pk", "number")
        if number == last.get(scene_id)
    }
    allowed = dict(
        ReviewDecision.objects.filter(take__scene_id__in=ids, action=ReviewAction.ALLOW_RETAKE)
        .values("take__scene_id")
        .annotate(n=Count("pk"))
        .values_list("take__scene_id", "n")
    )
    cast = {c.pk for scene in scenes for c in scene.cast.all()}
    visible = Character.objects.visible_to(user)
    usable = set(visible.filter(pk__in=cast).values_list("pk", flat=True)) if cast else set()
    return RequestFacts(
        busy=busy,
        usable=usable,
        speakers=speakers(scenes, visible),
        takes=counts,
        newest=newest,
        allowed=allowed,
    )


def cues(scene: Scene) -> tuple[set[str], set[str]]:
    """The handles and the display names the scene's cues could name."""
    cues = {str(line.get("speaker", "")).strip() for line in scene.dialogue}
    handles = {c.lstrip("@").lower() for c in cues if c}
    names = {c for c in cues if c and not c.startswith("@")}
    return handles, names


def speakers(scenes: list[Scene], visible: QuerySet[Character]) -> list[Character]:
    """The characters (that the requester may see) some cue of these scenes names, by handle."""
    handles: set[str] = set()
    by_name = Q()
    for scene in scenes:
        scene_handles, names = cues(scene)
        handles |= scene_handles
        for name in names:
            by_name |= Q(name__iexact=name)
    if not handles and not by_name:
        return []
    return list(visible.filter(Q(handle__in=handles) | by_name).order_by("handle"))
