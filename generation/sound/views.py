"""Sound pages: a character's voices, a project's sound, a scene's sound; their audio files."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from characters.access import get_character_for_user
from characters.protected_media import serve_file
from characters.requests import AuthenticatedHttpRequest
from generation.money.speech import speech_spent
from generation.sound import services
from generation.sound.forms import AudioUploadForm, ProjectSoundForm, SceneSoundForm, VoiceForm
from generation.sound.models import CharacterVoice, EpisodeMusic
from generation.sound.providers import SPEECH_PROVIDERS
from generation.sound.scene_track import scene_track
from generation.sound.speech import (
    VoicingFailed,
    project_sound,
    scene_lines,
    voiced_lines,
    voicing_estimate,
)
from projects.access import get_episode_for_user, get_project_for_user, get_scene_for_user, require
from projects.studio_views import CURRENT_STUDIO_KEY

SAMPLE = "generation/sound/voices.html#sample"


def _usable() -> list[str]:
    return [p.name for p in services.usable_speech_providers()]


@login_required
@require_http_methods(["GET", "POST"])
def character_voices(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    """The character's voice per speech provider; everyone who sees it hears, its owner edits."""
    character = get_character_for_user(request.user, handle)
    editable = character.is_editable_by(request.user)
    form = VoiceForm(request.POST or None, providers=_usable())
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Only the character's owner chooses its voices.")
        if form.is_valid():
            services.save_voice(character=character, **form.cleaned_data)
            messages.success(request, "Voice saved.")
            return redirect("generation:character_voices", character.handle)
    voices = {v.provider: v for v in CharacterVoice.objects.filter(character=character)}
    rows = [
        {"provider": p, "voice": voices.get(p.name)} for p in services.usable_speech_providers()
    ]
    context = {"character": character, "editable": editable, "rows": rows, "form": form}
    status = 400 if form.errors else 200
    return render(request, "generation/sound/voices.html", context, status=status)


@login_required
@require_POST
def voice_sample(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    """Voice the sample line with the character's voice for one provider (owner only)."""
    character = get_character_for_user(request.user, handle)
    if not character.is_editable_by(request.user):
        raise PermissionDenied("Only the character's owner makes voice samples.")
    voice = CharacterVoice.objects.filter(
        character=character, provider=request.POST.get("provider", "")
    ).first()
    if voice is None:
        return HttpResponse("Save a voice for this provider first.", status=400,
                            content_type="text/plain")  # fmt: skip
    context: dict[str, object] = {"character": character, "voice": voice}
    try:
        clip, paid = services.sample_voice(
            voice=voice, user=request.user, current=request.session.get(CURRENT_STUDIO_KEY)
        )
    except VoicingFailed as exc:  # said in the sample's cell, where "Hear a sample" was pressed
        context["refusal"] = str(exc)
        return render(request, SAMPLE, context, status=409)
    context["charged"] = clip if paid and clip.cost else None
    return render(request, SAMPLE, context)


@login_required
@require_safe
def voice_sample_audio(request: AuthenticatedHttpRequest, handle: str) -> HttpResponseBase:
    """The sample of the character's current voice for `?provider=` (204 when not made yet)."""
    character = get_character_for_user(request.user, handle)
    voice = CharacterVoice.objects.filter(
        character=character, provider=request.GET.get("provider", "")
    ).first()
    current = request.session.get(CURRENT_STUDIO_KEY)
    clip = services.cached_sample(voice, request.user, current) if voice else None
    if clip is None:
        return HttpResponse(status=204)
    return serve_file(request, clip.audio, content_type="audio/wav")


@login_required
@require_http_methods(["GET", "POST"])
def project_sound_page(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    """The project's speech provider, loudness target and music beds (one per episode)."""
    project, member = get_project_for_user(request.user, project_id)
    sound = project_sound(project)
    initial = {"speech_provider": sound.speech_provider, "loudness_target": sound.loudness_target}
    form = ProjectSoundForm(request.POST or None, initial=initial, providers=_usable())
    if request.method == "POST":
        require(member.can_manage_projects, member)
        if form.is_valid():
            services.save_project_sound(project=project, **form.cleaned_data)
            messages.success(request, "Sound settings saved.")
            return redirect("generation:project_sound", project.pk)
    episodes = project.episodes.order_by("number")  # type: ignore[attr-defined]
    music = {m.episode_id: m for m in EpisodeMusic.objects.filter(episode__in=episodes)}
    context = {"project": project, "member": member, "form": form, "sound": sound,
               "episodes": [(e, music.get(e.pk)) for e in episodes],
               "speech_spent": speech_spent(project),
               "upload": AudioUploadForm()}  # fmt: skip
    return render(request, "generation/sound/project_sound.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


def _upload_or_remove(
    request: AuthenticatedHttpRequest,
    *,
    save: Callable[[UploadedFile], object],
    remove: Callable[[], object],
    saved: str,
    removed: str,
    missing: str,
) -> None:
    """One audio slot's form (music bed, ambience): upload checked by content, or remove.
    Every outcome is a message on the page the user came from; nothing is half-saved."""
    form = AudioUploadForm(request.POST, request.FILES)
    if request.POST.get("remove"):
        remove()
        messages.success(request, removed)
    elif not form.is_valid():
        messages.error(request, missing)
    else:
        try:
            save(form.cleaned_data["file"])
            messages.success(request, saved)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))


@login_required
@require_POST
def project_music(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    """Upload (or remove) the project's default music bed."""
    project, member = get_project_for_user(request.user, project_id)
    require(member.can_manage_projects, member)
    _upload_or_remove(
        request,
        save=lambda upload: services.set_project_music(project=project, upload=upload),
        remove=lambda: services.remove_project_music(project=project),
        saved="Music bed uploaded.",
        removed="The project's music bed was removed.",
        missing="Choose a music file to upload.",
    )
    return redirect("generation:project_sound", project.pk)


@login_required
@require_POST
def episode_music(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """Upload (or remove) an episode's own music bed."""
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_manage_projects, member)
    _upload_or_remove(
        request,
        save=lambda upload: services.set_episode_music(
            episode=episode, upload=upload, user=request.user
        ),
        remove=lambda: services.remove_episode_music(episode=episode),
        saved=f"Music bed of episode {episode.number} uploaded.",
        removed=f"Episode {episode.number} uses the project's music again.",
        missing="Choose a music file to upload.",
    )
    return redirect("generation:project_sound", episode.project_id)


@login_required
@require_http_methods(["GET", "POST"])
def scene_sound_page(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    """The scene's lines with their voiced lengths against the shot, its take's sound, its
    ambience."""
    scene, member = get_scene_for_user(request.user, scene_id)
    sound = services.scene_sound(scene)
    form = SceneSoundForm(request.POST or None, initial={"take_audio": sound.take_audio})
    if request.method == "POST":
        require(member.can_edit_script, member)
        if form.is_valid():
            services.save_scene_sound(scene=scene, take_audio=form.cleaned_data["take_audio"])
            messages.success(request, "Scene sound saved.")
            return redirect("generation:scene_sound", scene.pk)
    provider = project_sound(scene.episode.project).speech_provider
    context = {"scene": scene, "member": member, "sound": sound, "form": form,
               "provider": SPEECH_PROVIDERS.get(provider), "lines": scene_lines(scene, provider),
               "voiced": voiced_lines(scene), "upload": AudioUploadForm(),
               "estimate": voicing_estimate(scene) if provider else (0, 0)}  # fmt: skip
    return render(request, "generation/sound/scene_sound.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
@require_POST
def scene_ambience(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    """Upload (or remove) the scene's ambience / effect track."""
    scene, member = get_scene_for_user(request.user, scene_id)
    require(member.can_edit_script, member)
    _upload_or_remove(
        request,
        save=lambda upload: services.set_ambience(scene=scene, upload=upload),
        remove=lambda: services.remove_ambience(scene=scene),
        saved="Ambience uploaded.",
        removed="Ambience removed.",
        missing="Choose a sound file to upload.",
    )
    return redirect("generation:scene_sound", scene.pk)


@login_required
@require_POST
def voice_scene(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    """Voice the scene's lines in a worker (unchanged lines come from the cache, free)."""
    scene, member = get_scene_for_user(request.user, scene_id)
    require(member.can_generate, member)
    if not project_sound(scene.episode.project).speech_provider:
        messages.error(request, "Choose a speech provider in the project's sound settings first.")
    else:
        services.request_voicing(scene=scene, requested_by=request.user)
        messages.success(request, "Voicing the lines: their lengths appear here when done.")
    return redirect("generation:scene_sound", scene.pk)


@login_required
@require_POST
def voice_episode(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """Voice every line of the episode, so each card says whether its lines fit the shot
    before video is paid for."""
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_generate, member)
    if not project_sound(episode.project).speech_provider:
        messages.error(request, "Choose a speech provider for this project first.")
    else:
        count = services.request_episode_voicing(episode=episode, requested_by=request.user)
        scenes = f"{count} scene{'s' if count != 1 else ''}"
        messages.success(request, f"Voicing the lines of {scenes} of episode {episode.number}: "
                         "the storyboard shows what does not fit.")  # fmt: skip
    return redirect("generation:project_sound", episode.project_id)


@login_required
@require_safe
def scene_dialogue(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponseBase:
    """The scene's dialogue track (its voiced lines laid out), for the review room; 204 when
    the scene's lines are not all voiced."""
    scene, _ = get_scene_for_user(request.user, scene_id)
    sound = scene_track(scene)
    if sound is None:
        return HttpResponse(status=204)
    return serve_file(request, sound.dialogue_track, content_type="audio/wav")
