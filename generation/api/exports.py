"""Exports: start (producers and owners, `may_export`), status, download the MP4."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from characters.protected_media import serve_file
from generation.api.auth import caller, episode_for, writer
from generation.api.fields import NO_NUL
from generation.api.idempotency import run_once
from generation.api.problems import Problem
from generation.api.webhooks import watch_export_on_commit
from generation.export.models import Export
from generation.export.services import (
    ExportRefused,
    cancel_export,
    is_stale,
    may_export,
    start_export,
)
from generation.export.views import FILES
from projects.access import require

router = Router(tags=["exports"])
Language = Annotated[
    str, Field(max_length=20, pattern=NO_NUL, description="A translation; empty: the script's.")
]
API_ROOT = "/api/v1"


class ExportIn(Schema):
    kind: Literal["final", "draft"] = "final"
    burn_subtitles: bool = False
    title_card_seconds: Literal[0, 2, 3, 5] = 0
    end_card_seconds: Literal[0, 2, 3, 5] = 0


class ExportOut(Schema):
    id: int
    episode_id: int
    number: int
    kind: str
    status: str
    stage: str
    progress: int
    error: str
    stale: bool
    cancel_requested: bool
    created_at: datetime
    status_url: str
    video_url: str | None
    subtitle_urls: list[str]


def _subtitle_urls(export: Export) -> list[str]:
    root = f"{API_ROOT}/exports/{export.pk}/subtitles"
    urls = [
        f"{root}/{suffix}" for suffix in ("srt", "vtt") if getattr(export, f"subtitles_{suffix}")
    ]
    for track in export.subtitle_tracks:
        urls += [f"{root}/{s}?language={track['language']}" for s in ("srt", "vtt") if track.get(s)]
    return urls


def export_out(export: Export) -> ExportOut:
    return ExportOut(
        id=export.pk, episode_id=export.episode_id, number=export.number, kind=export.kind,
        status=export.status, stage=export.stage, progress=export.progress, error=export.error,
        stale=is_stale(export), cancel_requested=export.cancel_requested,
        created_at=export.created_at,
        status_url=f"{API_ROOT}/exports/{export.pk}",
        video_url=f"{API_ROOT}/exports/{export.pk}/video" if export.video else None,
        subtitle_urls=_subtitle_urls(export),
    )  # fmt: skip


@router.post("/episodes/{episode_id}/exports", response={202: ExportOut})
def start(request: HttpRequest, episode_id: int, payload: ExportIn) -> HttpResponseBase:
    """Start an export (send an Idempotency-Key); a final one needs every scene approved."""
    found = writer(request)
    episode, member = episode_for(found, episode_id)
    require(may_export(member), member)

    def work() -> tuple[int, object]:
        try:
            export = start_export(
                episode=episode, kind=payload.kind, requested_by=found.user,
                burn_subtitles=payload.burn_subtitles,
                title_card_seconds=payload.title_card_seconds,
                end_card_seconds=payload.end_card_seconds,
            )  # fmt: skip
        except ExportRefused as exc:
            raise Problem(409, str(exc), "export-refused",
                          scenes=[s.pk for s in exc.scenes]) from None  # fmt: skip
        watch_export_on_commit(export.pk, found.user.pk)
        return 202, export_out(export).dict()

    return run_once(request, found, work)


@router.get("/episodes/{episode_id}/exports", response=list[ExportOut])
def exports(request: HttpRequest, episode_id: int) -> list[ExportOut]:
    episode, _ = episode_for(caller(request), episode_id)
    return [export_out(e) for e in Export.objects.filter(episode=episode).order_by("-number")]


def _export(request: HttpRequest, export_id: int) -> Export:
    export = get_object_or_404(Export.objects.select_related("episode"), pk=export_id)
    episode_for(caller(request), export.episode_id)
    return export


@router.post("/exports/{export_id}/cancel", response=ExportOut, url_name="cancel_export")
def cancel_export_run(request: HttpRequest, export_id: int) -> ExportOut:
    """Stop an export that is queued or running (409 when it had already finished)."""
    found = writer(request)
    export = get_object_or_404(Export.objects.select_related("episode"), pk=export_id)
    _, member = episode_for(found, export.episode_id)
    require(may_export(member), member)
    if not cancel_export(export=export):
        raise Problem(409, f"Export {export.number} has already finished.", "finished")
    export.refresh_from_db()
    return export_out(export)


@router.get(
    "/exports/{export_id}/subtitles/{suffix}",
    summary="Download an export's subtitles (.srt or .vtt)", url_name="export_subtitles",
)  # fmt: skip
def subtitles(
    request: HttpRequest, export_id: int, suffix: Literal["srt", "vtt"],
    language: Language = "",
) -> HttpResponseBase:  # fmt: skip
    """The episode's subtitles, or a translation's (`?language=fr`), as the export page has."""
    found = _export(request, export_id)
    _, content_type = FILES[f"subtitles_{suffix}"]
    if language:
        track = next((t for t in found.subtitle_tracks if t["language"] == language), None)
        if track is None or not track.get(suffix):
            raise Http404
        file = FieldFile(found, Export._meta.get_field("video"), track[suffix])  # type: ignore[arg-type]
        name = f"{found.file_name_stem}.{language}.{suffix}"
    else:
        file = getattr(found, f"subtitles_{suffix}")
        name = f"{found.file_name_stem}.{suffix}"
    if not file:
        raise Http404
    return serve_file(request, file, content_type=content_type, download_name=name)


@router.get("/exports/{export_id}", response=ExportOut)
def export(request: HttpRequest, export_id: int) -> ExportOut:
    return export_out(_export(request, export_id))


@router.get(
    "/exports/{export_id}/video", summary="Download an export's MP4", url_name="export_video"
)
def video(request: HttpRequest, export_id: int) -> HttpResponseBase:
    found = _export(request, export_id)
    return serve_file(request, found.video, content_type="video/mp4",
                      download_name=f"{found.file_name_stem}.mp4")  # fmt: skip
