"""An export of an episode: one numbered version with its files, settings and report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExportKind(models.TextChoices):
    FINAL = "final", "Final"
    DRAFT = "draft", "Draft"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Ready"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_EXPORT_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)


def export_upload_path(export: Export, filename: str) -> str:
    return f"exports/{export.episode_id}/{export.number}/{filename}"


class Export(models.Model):
    episode = models.ForeignKey(
        "projects.Episode", on_delete=models.CASCADE, related_name="exports"
    )
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=ExportKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    stage = models.CharField(max_length=120, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    eta_seconds = models.PositiveIntegerField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    # A hash of everything the export was made from (see timeline.fingerprint): stale when
    # the episode's current fingerprint differs.
    fingerprint = models.CharField(max_length=64)
    # What it was made from: per scene, the take (or slate) and its duration.
    manifest = models.JSONField(default=list)
    # Frame size, frame rate, audio layout, watermark; and the software that made it.
    options = models.JSONField(default=dict)
    software = models.JSONField(default=dict)
    # What the user should know: the path taken (stream copy / re-encode), boxed scenes.
    report = models.JSONField(default=dict)
    video = models.FileField(upload_to=export_upload_path, blank=True)
    subtitles_srt = models.FileField(upload_to=export_upload_path, blank=True)
    subtitles_vtt = models.FileField(upload_to=export_upload_path, blank=True)
    handoff = models.FileField(upload_to=export_upload_path, blank=True)
    # One per translation: {"language", "name", "srt", "vtt", "lines"} (file names in media).
    subtitle_tracks = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["episode", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="export_number_per_episode")
        ]

    def __str__(self) -> str:
        return f"Export {self.number} of episode {self.episode_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_EXPORT_STATUSES

    @property
    def file_name_stem(self) -> str:
        draft = "-draft" if self.kind == ExportKind.DRAFT else ""
        return f"episode-{self.episode.number}-v{self.number}{draft}"

    def _transition(self, allowed: tuple[str, ...], **fields: Any) -> bool:
        updated = Export.objects.filter(pk=self.pk, status__in=allowed).update(**fields)
        if updated:
            self.refresh_from_db()
        return bool(updated)

    def claim(self, *, stale_after: timedelta) -> bool:
        """Start (or take over from a worker that died) this export; False if someone has it."""
        now = timezone.now()
        quiet = models.Q(status=ExportStatus.RUNNING, heartbeat_at__lt=now - stale_after)
        updated = (
            Export.objects.filter(pk=self.pk)
            .filter(models.Q(status=ExportStatus.QUEUED) | quiet)
            .update(status=ExportStatus.RUNNING, started_at=now, heartbeat_at=now, error="")
        )
        if updated:
            self.refresh_from_db()
        return bool(updated)

    def record_progress(self, *, stage: str, progress: int, eta_seconds: int | None) -> bool:
        """Store what the export is doing now; False once a cancel was asked for."""
        Export.objects.filter(pk=self.pk, status=ExportStatus.RUNNING).update(
            stage=stage, progress=progress, eta_seconds=eta_seconds, heartbeat_at=timezone.now()
        )
        return not Export.objects.filter(pk=self.pk, cancel_requested=True).exists()

    def mark_succeeded(self, *, files: dict[str, Any], report: dict[str, Any]) -> bool:
        return self._transition(
            (ExportStatus.RUNNING,),
            status=ExportStatus.SUCCEEDED,
            stage="Done",
            progress=100,
            eta_seconds=0,
            report=report,
            finished_at=timezone.now(),
            **files,
        )

    def mark_failed(self, error: str) -> bool:
        return self._transition(
            ACTIVE_EXPORT_STATUSES,
            status=ExportStatus.FAILED,
            error=error,
            eta_seconds=None,
            finished_at=timezone.now(),
        )

    def mark_cancelled(self) -> bool:
        return self._transition(
            ACTIVE_EXPORT_STATUSES,
            status=ExportStatus.CANCELLED,
            stage="Cancelled",
            eta_seconds=None,
            finished_at=timezone.now(),
        )

    def request_cancel(self) -> bool:
        """Ask the running task to stop; a queued export is cancelled at once."""
        if self.status == ExportStatus.QUEUED and self.mark_cancelled():
            return True
        return bool(
            Export.objects.filter(pk=self.pk, status=ExportStatus.RUNNING).update(
                cancel_requested=True
            )
        )


class DialogueTranslation(models.Model):
    """A writer's translation of one dialogue line (by its place in the scene's dialogue).

    `source` is the line as it read when translated: when the script changes the line, the
    translation is shown as needing a look and is left out of exports until saved again."""

    scene = models.ForeignKey(
        "projects.Scene", on_delete=models.CASCADE, related_name="translations"
    )
    line_index = models.PositiveSmallIntegerField()
    language = models.CharField(max_length=35)  # a BCP 47 tag, standardised: "es", "pt-BR"
    source = models.TextField()
    text = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scene", "line_index", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["scene", "line_index", "language"], name="one_translation_per_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language} translation of line {self.line_index} of scene {self.scene_id}"


def font_upload_path(font: SubtitleFont, filename: str) -> str:
    # Named by content: an export's options point at the file it was made with, and a later
    # upload never changes it.
    return f"fonts/{font.project_id}/{font.sha256[:20]}{font.suffix}"


class SubtitleFont(models.Model):
    """A project's own font for burned-in subtitles (e.g. one with CJK glyphs); one per project.

    Checked by content when uploaded (generation/export/fonts.py); without one, exports burn
    subtitles in the shipped DejaVu Sans Bold."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="subtitle_font"
    )
    file = models.FileField(upload_to=font_upload_path)
    family = models.CharField(max_length=200)  # as the font names itself ("WenQuanYi Micro Hei")
    style = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64)
    suffix = models.CharField(max_length=5)  # ".ttf", ".otf", ".ttc"
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.family} for project {self.project_id}"
