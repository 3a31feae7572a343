"""An episode's review dashboard: status per scene, retakes and reasons, spend, reviewers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from generation.board.status import SCENE_STATUS_LABELS, scene_status
from generation.models import ReviewAction
from projects.models import Episode, Scene

CHART_WIDTH, BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 560, 22, 6, 150


@dataclass
class SceneRow:
    position: int
    heading: str
    status: str
    takes: int = 0
    spend: Decimal = Decimal(0)
    reasons: Counter[str] = field(default_factory=Counter)
    reviewers: set[str] = field(default_factory=set)
    first_take_at: datetime | None = None
    approved_at: datetime | None = None

    @property
    def retakes(self) -> int:
        return max(self.takes - 1, 0)

    @property
    def hours_to_approval(self) -> float | None:
        if self.first_take_at is None or self.approved_at is None:
            return None
        return round((self.approved_at - self.first_take_at).total_seconds() / 3600, 2)

    @property
    def reason_list(self) -> list[tuple[str, int]]:
        return self.reasons.most_common()

    @property
    def status_label(self) -> str:
        return SCENE_STATUS_LABELS[self.status]


def _row(scene: Scene) -> SceneRow:
    row = SceneRow(position=scene.position, heading=scene.heading, status=scene_status(scene))
    for take in scene.takes.all():  # type: ignore[attr-defined]
        row.takes += 1
        row.spend += take.cost
        if row.first_take_at is None or take.created_at < row.first_take_at:
            row.first_take_at = take.created_at
        for decision in take.decisions.all():
            row.reviewers.add(decision.author.username)
            if decision.reason_code:
                row.reasons[decision.get_reason_code_display()] += 1
            if decision.action == ReviewAction.APPROVE and take.review_status == "approved":
                row.approved_at = decision.created_at
    return row


def episode_rows(episode: Episode) -> list[SceneRow]:
    """One row per scene of the episode that is not omitted, in order (rejected takes count)."""
    scenes = (
        Scene.objects.filter(episode=episode, omitted=False, archived_at__isnull=True)
        .order_by("position", "pk")
        .prefetch_related("takes__decisions__author")
    )
    return [_row(scene) for scene in scenes]


def status_bars(rows: list[SceneRow]) -> list[dict[str, Any]]:
    """Bars of the "scenes by status" chart, with their SVG geometry (server-rendered)."""
    counts = Counter(row.status for row in rows)
    most = max(counts.values(), default=1)
    bars = []
    for index, (status, label) in enumerate(
        (s, lbl) for s, lbl in SCENE_STATUS_LABELS.items() if counts[s]
    ):
        width = round((CHART_WIDTH - LABEL_WIDTH - 40) * counts[status] / most)
        y = index * (BAR_HEIGHT + BAR_GAP)
        bars.append({"status": status, "label": label, "count": counts[status],
                     "x": LABEL_WIDTH, "y": y, "width": max(width, 2),
                     "text_y": y + BAR_HEIGHT - 6, "count_x": LABEL_WIDTH + width + 6})  # fmt: skip
    return bars


def dashboard_context(episode: Episode) -> dict[str, Any]:
    rows = episode_rows(episode)
    bars = status_bars(rows)
    reasons: Counter[str] = Counter()
    for row in rows:
        reasons.update(row.reasons)
    return {
        "episode": episode,
        "rows": rows,
        "bars": bars,
        "chart_width": CHART_WIDTH,
        "chart_height": max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP),
        "bar_height": BAR_HEIGHT,
        "reasons": reasons.most_common(),
        "spend": sum((row.spend for row in rows), Decimal(0)),
        "retakes": sum(row.retakes for row in rows),
        "approved": sum(1 for row in rows if row.status == "approved"),
    }


CSV_HEADER = [
    "scene", "heading", "status", "takes", "retakes", "reasons", "spend_usd", "reviewers",
    "hours_to_approval",
]  # fmt: skip


def csv_rows(rows: list[SceneRow]) -> list[list[str]]:
    """The dashboard as CSV rows (header first); cells starting with =+-@ are quoted safe."""
    out = [CSV_HEADER]
    for row in rows:
        reasons = "; ".join(f"{name} ×{n}" for name, n in row.reasons.most_common())
        hours = "" if row.hours_to_approval is None else str(row.hours_to_approval)
        cells = [str(row.position), row.heading, row.status_label, str(row.takes),
                 str(row.retakes), reasons, f"{row.spend:.2f}",
                 ", ".join(sorted(row.reviewers)), hours]  # fmt: skip
        out.append([_safe(cell) for cell in cells])
    return out


def _safe(cell: str) -> str:
    # A spreadsheet runs a cell that starts with these as a formula (CSV injection).
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell
