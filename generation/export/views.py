"""The episode's export page, one export's page with live progress, and its files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from characters.protected_media import serve_file
from characters.requests import AuthenticatedHttpRequest
from generation.api.webhooks import watch_page_export
from generation.export.cards import CARD_SECONDS
from generation.export.fonts import FontRefused, check_font, remove_project_font, set_project_font
from generation.export.models import Export, ExportKind, SubtitleFont
from generation.export.services import (
    ExportRefused,
    cancel_export,
    is_stale,
    may_export,
    start_export,
)
from generation.export.timeline import blocking_scenes, latest_finished
from projects.access import get_episode_for_user, require
from projects.models import Membership

FILES = {
    "video": ("mp4", "video/mp4"),
    "subtitles_srt": ("srt", "application/x-subrip; charset=utf-8"),
    "subtitles_vtt": ("vtt", "text/vtt; charset=utf-8"),
    "handoff": ("zip", "application/zip"),
}


def _export_for_user(
    request: AuthenticatedHttpRequest, export_id: int
) -> tuple[Export, Membership]:
    export = get_object_or_404(Export.objects.select_related("episode__project"), pk=export_id)
    _, member = get_episode_for_user(request.user, export.episode_id)  # 404 for outsiders
    return export, member


@login_required
@require_safe
def episode_exports(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    latest = latest_finished(episode)
    context = {
        "episode": episode,
        "member": member,
        "may_export": may_export(member),
        "exports": episode.exports.select_related("requested_by"),
        "blockers": blocking_scenes(episode),
        "latest": latest,
        "latest_stale": latest is not None and is_stale(latest),
        "card_seconds": CARD_SECONDS[1:],
        "subtitle_font": SubtitleFont.objects.filter(project=episode.project_id).first(),
    }
    return render(request, "generation/export/episode_exports.html", context)


@login_required
@require_safe
def export_badge(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """The storyboard's Export button with the latest version and whether it is out of date
    (fetched after the page loads, so the storyboard's own queries stay fixed)."""
    episode, _ = get_episode_for_user(request.user, episode_id)
    latest = latest_finished(episode)
    context = {"episode": episode, "latest": latest,
               "stale": latest is not None and is_stale(latest)}  # fmt: skip
    return render(request, "generation/export/_badge.html", context)


@login_required
@require_POST
def subtitle_font(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """Upload the project's own font for burned-in subtitles, or go back to the shipped one."""
    episode, member = get_episode_for_user(request.user, episode_id)
    require(may_export(member), member, "Only producers and owners choose the subtitle font.")
    back = redirect("generation:episode_exports", episode.pk)
    if request.POST.get("remove"):
        if remove_project_font(episode.project):
            messages.success(request, "Burned-in subtitles use the shipped font again.")
        return back
    upload = request.FILES.get("font")
    if upload is None:
        messages.error(request, "Choose a font file (.ttf, .otf or .ttc) to upload.")
        return back
    try:
        checked = check_font(upload)
    except FontRefused as refusal:
        messages.error(request, f"{upload.name}: {refusal}")
        return back
    font = set_project_font(project=episode.project, checked=checked, by=request.user)
    messages.success(request, f"Burned-in subtitles of {episode.project.name} now use "
                              f"{font.family}.")  # fmt: skip
    return back


@login_required
@require_POST
def start(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    require(may_export(member))
    kind = request.POST.get("kind", "")
    if kind not in ExportKind.values:
        messages.error(request, "Choose a final or a draft export.")
        return redirect("generation:episode_exports", episode.pk)
    cards = [request.POST.get(name, "0") for name in ("title_card", "end_card")]
    if not all(value in {str(s) for s in CARD_SECONDS} for value in cards):
        messages.error(request, "Title and end cards last 2, 3 or 5 seconds, or are left out.")
        return redirect("generation:episode_exports", episode.pk)
    try:
        export = start_export(
            episode=episode,
            kind=kind,
            requested_by=request.user,
            burn_subtitles=request.POST.get("burn_subtitles") == "on",
            title_card_seconds=int(cards[0]),
            end_card_seconds=int(cards[1]),
        )
    except ExportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("generation:episode_exports", episode.pk)
    watch_page_export(export, request.user)  # the user's webhooks hear of its end
    return redirect("generation:export_detail", export.pk)


@login_required
@require_safe
def export_detail(request: AuthenticatedHttpRequest, export_id: int) -> HttpResponse:
    export, member = _export_for_user(request, export_id)
    files = [
        (field, getattr(export, field), suffix)
        for field, (suffix, _) in FILES.items()
        if getattr(export, field)
    ]
    context = {
        "export": export,
        "episode": export.episode,
        "member": member,
        "may_export": may_export(member),
        "files": files,
        "stale": export.status == "succeeded" and is_stale(export),
    }
    return render(request, "generation/export/export_detail.html", context)


@login_required
@require_safe
def export_progress(request: AuthenticatedHttpRequest, export_id: int) -> HttpResponse:
    """The progress partial, polled every second while the export runs; then a page reload."""
    export, member = _export_for_user(request, export_id)
    response = render(
        request,
        "generation/export/export_detail.html#progress",
        {"export": export, "may_export": may_export(member)},
    )
    if not export.is_active:
        response["HX-Refresh"] = "true"  # the finished page shows the player and the files
    return response


@login_required
@require_POST
def cancel(request: AuthenticatedHttpRequest, export_id: int) -> HttpResponse:
    export, member = _export_for_user(request, export_id)
    require(may_export(member))
    if cancel_export(export=export):
        messages.info(request, f"Export {export.number} is being cancelled.")
    else:
        messages.error(request, f"Export {export.number} has already finished.")
    return redirect("generation:export_detail", export.pk)


@login_required
@require_safe
def export_file(request: AuthenticatedHttpRequest, export_id: int, field: str) -> HttpResponseBase:
    export, _ = _export_for_user(request, export_id)
    if field not in FILES:
        raise Http404
    suffix, content_type = FILES[field]
    # ?download=1 saves the file under the episode's name; without it the page shows it inline.
    name = f"{export.file_name_stem}.{suffix}" if request.GET.get("download") else ""
    return serve_file(
        request, getattr(export, field), content_type=content_type, download_name=name
    )


@login_required
@require_safe
def export_subtitles(
    request: AuthenticatedHttpRequest, export_id: int, language: str, suffix: str
) -> HttpResponseBase:
    """A translation's .srt or .vtt file of an export."""
    export, _ = _export_for_user(request, export_id)
    track = next((t for t in export.subtitle_tracks if t["language"] == language), None)
    if track is None or suffix not in {"srt", "vtt"}:
        raise Http404
    _, content_type = FILES[f"subtitles_{suffix}"]
    file = FieldFile(export, Export._meta.get_field("video"), track[suffix])  # type: ignore[arg-type]
    name = f"{export.file_name_stem}.{language}.{suffix}" if request.GET.get("download") else ""
    return serve_file(request, file, content_type=content_type, download_name=name)
