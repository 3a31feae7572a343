"""The export's sound stage: the takes' own sound (kept, ducked or muted per scene), the
voiced dialogue, each scene's ambience and the episode's music bed, mixed, ducked under the
dialogue, normalised to the project's loudness target, and written into the export.

The picture pass (generation/export/assemble.py) writes the takes' sound in place; this
stage reads it back, mixes everything else over it, and rewrites only the sound track
(the picture and subtitle tracks are copied packet by packet).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av
import numpy as np

from characters.stored_files import local_path
from generation.sound.loudness import RATE, Measure, normalise
from generation.sound.models import (
    CharacterVoice,
    EpisodeMusic,
    ProjectSound,
    SceneSound,
    TakeAudio,
)
from generation.sound.speech import VoicedLine, project_sound, voice_scene, voiced_lines
from projects.models import Episode, Scene

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MUSIC_GAIN_DB = -8.0  # the bed under the picture, before ducking
DUCK_DB = -15.0  # how far the music (and a ducked take) goes down while a line plays
AMBIENCE_GAIN_DB = -12.0
DUCKED_TAKE_DB = -10.0  # a ducked take's sound, before the dialogue ducks it further
ATTACK_SECONDS, RELEASE_SECONDS = 0.04, 0.35
FADE_IN_SECONDS, FADE_OUT_SECONDS = 2.0, 3.0
WINDOW = RATE // 100  # 10 ms: the sidechain's envelope resolution
KEY_THRESHOLD = 10 ** (-45 / 20)  # dialogue above −45 dBFS opens the sidechain


@dataclass
class SceneMix:
    take_audio: str = TakeAudio.KEEP
    lines: list[VoicedLine] = field(default_factory=list)
    ambience: Path | None = None


@dataclass
class SoundPlan:
    scenes: list[SceneMix]
    music: Path | None
    target_lufs: int

    @property
    def designed(self) -> bool:
        """Anything beyond the takes' own sound (the stage then runs even for silent takes)."""
        return self.music is not None or any(
            s.lines or s.ambience or s.take_audio != TakeAudio.KEEP for s in self.scenes
        )


def _music_of(episode: Episode) -> Path | None:
    own = EpisodeMusic.objects.filter(episode=episode).first()
    name = own.music.name if own else project_sound(episode.project).music.name
    return local_path(str(name)) if name else None


def plan_sound(
    episode: Episode, scene_ids: list[int], *, voice: bool = True, requested_by: User | None = None
) -> SoundPlan:
    """What the export's sound is made of, per scene in export order. `voice`: synthesise
    lines that are not cached yet (an unchanged line is never paid twice)."""
    scenes = Scene.objects.in_bulk(scene_ids)
    sounds = {s.scene_id: s for s in SceneSound.objects.filter(scene_id__in=scene_ids)}
    mixes = []
    for scene_id in scene_ids:
        scene, sound = scenes[scene_id], sounds.get(scene_id)
        if voice:
            lines = voice_scene(scene=scene, requested_by=requested_by)[0]
        else:
            lines = voiced_lines(scene)
        ambience = local_path(sound.ambience) if sound and sound.ambience else None
        mixes.append(SceneMix(sound.take_audio if sound else TakeAudio.KEEP, lines, ambience))
    target = project_sound(episode.project).loudness_target
    return SoundPlan(mixes, _music_of(episode), target)


def timed_dialogues(
    dialogues: list[list[dict[str, Any]]], plan: SoundPlan
) -> list[list[dict[str, Any]]]:
    """The dialogue with each voiced line's real start and end in its scene (the subtitles
    then follow the voices)."""
    timed = []
    for entries, mix in zip(dialogues, plan.scenes, strict=True):
        spoken = iter(mix.lines)
        scene = []
        for entry in entries:
            line = next(spoken, None) if str(entry.get("line", "")).strip() and mix.lines else None
            scene.append(entry | ({"start": line.start, "end": line.end} if line else {}))
        timed.append(scene)
    return timed


def decode(path: Path, seconds: float | None = None) -> np.ndarray:
    """A file's first audio stream as 48 kHz stereo float samples (cut at `seconds`)."""
    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
    parts = []
    with av.open(str(path)) as source:
        for frame in source.decode(source.streams.audio[0]):
            parts += [f.to_ndarray() for f in resampler.resample(frame)]
        parts += [f.to_ndarray() for f in resampler.resample(None)]
    samples = np.concatenate(parts, axis=1) if parts else np.zeros((2, 0), np.float32)
    return samples[:, : round(seconds * RATE)] if seconds is not None else samples


def _gain(db: float) -> np.float32:
    return np.float32(10 ** (db / 20))


def _add(bus: np.ndarray, samples: np.ndarray, at: float) -> None:
    begin = round(at * RATE)
    end = min(bus.shape[1], begin + samples.shape[1])
    if end > begin:
        bus[:, begin:end] += samples[:, : end - begin]


def _looped(samples: np.ndarray, length: int) -> np.ndarray:
    if samples.shape[1] == 0:
        return np.zeros((2, length), np.float32)
    repeats = math.ceil(length / samples.shape[1])
    return np.tile(samples, (1, repeats))[:, :length]


def sidechain(key: np.ndarray, duck_db: float = DUCK_DB) -> np.ndarray:
    """The gain (per sample) that ducks a bed under `key` (the dialogue): down to `duck_db`
    within the attack while the key's 10 ms envelope is above the threshold, back up over
    the release after it."""
    windows = key.shape[1] // WINDOW + 1
    padded = np.zeros((2, windows * WINDOW), np.float32)
    padded[:, : key.shape[1]] = key
    envelope = np.sqrt((padded.reshape(2, windows, WINDOW) ** 2).mean(axis=(0, 2)))
    target = np.where(envelope > KEY_THRESHOLD, _gain(duck_db), np.float32(1.0))
    gains = np.empty(windows, np.float32)
    level = np.float32(1.0)
    attack = np.float32(1 - math.exp(-0.01 / ATTACK_SECONDS))
    release = np.float32(1 - math.exp(-0.01 / RELEASE_SECONDS))
    for index, wanted in enumerate(target):
        level += (wanted - level) * (attack if wanted < level else release)
        gains[index] = level
    return np.repeat(gains, WINDOW)[: key.shape[1]]


def _fades(length: int) -> np.ndarray:
    curve = np.ones(length, np.float32)
    fade_in, fade_out = (
        min(length, round(FADE_IN_SECONDS * RATE)),
        min(length, round(FADE_OUT_SECONDS * RATE)),
    )
    curve[:fade_in] *= np.linspace(0, 1, fade_in, dtype=np.float32)
    curve[length - fade_out :] *= np.linspace(1, 0, fade_out, dtype=np.float32)
    return curve


def mix(takes: np.ndarray, plan: SoundPlan, places: list[tuple[float, float]]) -> np.ndarray:
    """The episode's sound: everything in the plan over the takes' own sound."""
    length = takes.shape[1]
    dialogue = np.zeros_like(takes)
    beds = np.zeros_like(takes)
    ducked = np.zeros_like(takes)  # takes whose sound ducks under the dialogue
    takes = takes.copy()
    for scene, (start, end) in zip(plan.scenes, places, strict=True):
        span = slice(round(start * RATE), min(length, round(end * RATE)))
        if scene.take_audio == TakeAudio.MUTE:
            takes[:, span] = 0
        elif scene.take_audio == TakeAudio.DUCK:
            ducked[:, span] = takes[:, span] * _gain(DUCKED_TAKE_DB)
            takes[:, span] = 0
        for line in scene.lines:
            clip = decode(local_path(line.clip.audio))
            _add(dialogue, clip[:, : round((end - start - line.start) * RATE)], start + line.start)
        if scene.ambience is not None:
            room = span.stop - span.start
            _add(beds, _looped(decode(scene.ambience), room) * _gain(AMBIENCE_GAIN_DB), start)
    gain = sidechain(dialogue)
    if plan.music is not None:
        music = _looped(decode(plan.music), length) * _gain(MUSIC_GAIN_DB) * _fades(length)
        beds += music
    return (takes + dialogue + (beds + ducked) * gain).astype(np.float32)


def write_sound(target: Path, samples: np.ndarray) -> None:
    """Replace the export's sound track with `samples`; every other track is copied."""
    temporary = target.with_suffix(".sound.mp4")
    with (
        av.open(str(target)) as source,
        av.open(str(temporary), "w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        copied = {}
        for stream in source.streams:
            if stream.type not in ("video", "subtitle"):
                continue  # the sound is new; the chapters' text track is written again
            if stream.type == "subtitle":  # timed text: a mux-only stream, as assemble writes it
                copy = out.add_mux_stream("mov_text")
                copy.time_base = stream.time_base
            else:
                copy = out.add_stream_from_template(stream)  # type: ignore[arg-type]
            copy.metadata.update(stream.metadata)
            copy.disposition = stream.disposition
            copied[stream.index] = copy
        audio = out.add_stream("aac", rate=RATE, layout="stereo")
        audio.codec_context.time_base = Fraction(1, RATE)
        _encode(out, audio, samples)
        for packet in source.demux([s for s in source.streams if s.index in copied]):
            if packet.dts is None:
                continue
            packet.stream = copied[packet.stream.index]
            out.mux(packet)
        out.set_chapters(source.chapters())
    temporary.replace(target)


def _encode(out: av.container.OutputContainer, stream: Any, samples: np.ndarray) -> None:
    step = 1024
    for begin in range(0, samples.shape[1], step):
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples[:, begin : begin + step]), format="fltp", layout="stereo"
        )
        frame.sample_rate, frame.pts, frame.time_base = RATE, begin, Fraction(1, RATE)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def finish_sound(
    target: Path, plan: SoundPlan, places: list[tuple[float, float]]
) -> dict[str, Any]:
    """The sound stage of an export (after the picture): mix, normalise, write. Returns the
    loudness report; nothing is changed for an export without sound."""
    takes = decode(target)
    if not plan.designed and not np.any(takes):
        return {}
    mixed = mix(takes, plan, places)
    final, before, after = normalise(mixed, plan.target_lufs)
    write_sound(target, final)
    return {
        "target_lufs": plan.target_lufs,
        "measured": _report(before),
        "delivered": _report(after),
    }


def _report(measure: Measure) -> dict[str, float]:
    return {
        "integrated_lufs": round(measure.integrated, 1),
        "true_peak_dbtp": round(measure.true_peak, 1),
    }


def sound_fingerprint(episode: Episode) -> list[Any]:
    """What the export's sound is made of besides the script: the project's and episode's
    sound, each scene's choices, the cast's voices (a change makes an export out of date)."""
    project = ProjectSound.objects.filter(project=episode.project).first() or ProjectSound()
    music = EpisodeMusic.objects.filter(episode=episode).values_list("music", flat=True).first()
    # Rows with the default choices (made when a scene is voiced) change nothing heard.
    scenes = (
        SceneSound.objects.filter(scene__episode=episode)
        .exclude(take_audio=TakeAudio.KEEP, ambience="")
        .order_by("scene_id")
    )
    voices = (
        CharacterVoice.objects.filter(
            character__scenes__episode=episode, provider=project.speech_provider
        )
        .distinct()
        .order_by("pk")
    )
    return [
        [project.speech_provider, project.loudness_target, project.music.name, music],
        list(scenes.values_list("scene_id", "take_audio", "ambience")),
        [[v.pk, v.voice, str(v.speed), v.style_notes] for v in voices],
    ]
