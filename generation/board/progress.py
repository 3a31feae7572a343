"""The figures home and project pages show: scenes approved of total, spend, activity, poster.

Computed in the database as subqueries (one query per list, however many projects or
episodes). Takes belong to the generation app: read here through the reverse relation
`takes` by name, as the scene's own properties do, never by importing that app.
"""

from __future__ import annotations

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from generation.continuity.models import JudgeCall
from generation.drafting_models import DraftCall
from generation.sound.models import DialogueClip
from projects.models import Episode, Project, Scene

APPROVED = "approved"


def _per(group: str, scenes: QuerySet[Scene], aggregate: object, output: object) -> Coalesce:
    rows = scenes.order_by().values(group).annotate(v=aggregate).values("v")
    return Coalesce(Subquery(rows, output_field=output), Value(0), output_field=output)  # type: ignore[arg-type]


def _figures(group: str) -> dict[str, object]:
    """Annotations for a list of projects (group "episode__project") or episodes ("episode")."""
    mine = Scene.objects.filter(**{group: OuterRef("pk")})
    counted = mine.filter(archived_at__isnull=True, omitted=False)
    integer, money = IntegerField(), DecimalField(max_digits=12, decimal_places=4)
    poster = (
        mine.filter(takes__review_status=APPROVED)
        .exclude(takes__thumbnail="")
        .order_by("-takes__created_at")
        .values("takes__pk")[:1]
    )
    last_take = mine.order_by().values(group).annotate(v=Max("takes__created_at")).values("v")
    return {
        "scenes_total": _per(group, counted, Count("pk"), integer),
        "scenes_approved": _per(
            group,
            counted.filter(takes__review_status=APPROVED),
            Count("pk", distinct=True),
            integer,
        ),
        "spent": _per(group, mine, Sum("takes__cost"), money),
        "poster_take_id": Subquery(poster),
        "last_take_at": Subquery(last_take),
    }


def _paid_besides_takes(model: type[Model]) -> Coalesce:
    """A project's recorded costs of one other kind of paid call (voiced lines, the judge)."""
    money = DecimalField(max_digits=12, decimal_places=6)
    rows = model.objects.filter(project=OuterRef("pk")).order_by().values("project")  # type: ignore[attr-defined]
    rows = rows.annotate(v=Sum("cost")).values("v")
    return Coalesce(Subquery(rows, output_field=money), Value(0), output_field=money)  # type: ignore[arg-type]


def projects_with_progress(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Projects annotated with their figures, and their budget (empty: no limit).

    A project's spend is every paid call it made, as its budget counts it
    (generation/money/budget.py): takes, voiced lines, the continuity judge, script drafts.
    """
    figures = _figures("episode__project")
    figures["spent"] = ExpressionWrapper(
        figures["spent"]  # type: ignore[operator]
        + _paid_besides_takes(DialogueClip)
        + _paid_besides_takes(JudgeCall)
        + _paid_besides_takes(DraftCall),
        output_field=DecimalField(max_digits=12, decimal_places=6),
    )
    last_script = Max("episodes__script_updated_at")
    return projects.annotate(
        **figures,
        budget=F("generation_settings__budget"),
        last_activity=Greatest(
            Coalesce(figures["last_take_at"], "created_at"),  # type: ignore[arg-type]
            Coalesce(last_script, "created_at"),
            "created_at",
        ),
    )


def episodes_with_progress(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """Episodes annotated with their figures."""
    figures = _figures("episode")
    return episodes.annotate(
        **figures,
        last_activity=Greatest(
            Coalesce(figures["last_take_at"], "created_at"),  # type: ignore[arg-type]
            Coalesce("script_updated_at", "created_at"),
            "created_at",
        ),
    )
