"""Continuity: a project's threshold, and each take's score per cast member."""

from __future__ import annotations

from django.db import models

from generation.money.chat import ChatOutcome, PaidChatCall


class ContinuitySettings(models.Model):
    """How a project treats the continuity check: the threshold and the automatic retake."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="continuity_settings"
    )
    threshold = models.PositiveSmallIntegerField(
        default=60, help_text="Takes scoring under this (0–100) are flagged for reviewers."
    )
    auto_retake = models.BooleanField(
        default=False,
        help_text="Once per scene, retake a flagged take with the judge's notes as corrections.",
    )

    def __str__(self) -> str:
        return f"Continuity of project {self.project_id}"


class JudgeState(models.TextChoices):
    OFF = "off", "No judge configured"
    CHECKED = "checked", "Checked"
    NOT_CHECKED = "not_checked", "Not checked"


class ContinuityCheck(models.Model):
    """One cast member's continuity in one take: the local palette score, and the judge's."""

    take = models.ForeignKey(
        "generation.Take", on_delete=models.CASCADE, related_name="continuity_checks"
    )
    character = models.ForeignKey(
        "characters.Character", on_delete=models.CASCADE, related_name="+"
    )
    local_score = models.PositiveSmallIntegerField(null=True, blank=True)
    local_detail = models.CharField(max_length=300, blank=True)
    judge_state = models.CharField(
        max_length=12, choices=JudgeState.choices, default=JudgeState.OFF
    )
    judge_score = models.PositiveSmallIntegerField(null=True, blank=True)
    judge_notes = models.TextField(blank=True)
    frames = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["take_id", "character__name"]
        constraints = [
            models.UniqueConstraint(fields=["take", "character"], name="one_check_per_cast_member")
        ]

    def __str__(self) -> str:
        return f"Continuity of {self.character_id} in take {self.take_id}"

    @property
    def score(self) -> int | None:
        """The judge's score where it checked, else the local one."""
        if self.judge_state == JudgeState.CHECKED and self.judge_score is not None:
            return self.judge_score
        return self.local_score


class ContinuityRetake(models.Model):
    """The one automatic retake a scene may get for continuity (unique: never a second)."""

    scene = models.OneToOneField(
        "projects.Scene", on_delete=models.CASCADE, related_name="continuity_retake"
    )
    flagged_take = models.ForeignKey("generation.Take", on_delete=models.CASCADE, related_name="+")
    # The take the door made; empty when the door refused (the reason is kept).
    take = models.ForeignKey(
        "generation.Take", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refusal = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Continuity retake of scene {self.scene_id}"


JudgeOutcome = ChatOutcome  # the judge's calls end as any chat call does


class JudgeCall(PaidChatCall):
    """One chat call of the continuity judge (or one it refused to make), charged to the
    take's project: its cost counts against the project's budget (generation/money/)."""

    take = models.ForeignKey("generation.Take", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="judge_calls"
    )

    def __str__(self) -> str:
        return f"Judge call on take {self.take_id}: {self.outcome}, {self.cost}"
