"""Benchmark the export's sound stage: python bench/export_sound.py [scenes] (default 20).

An episode of `scenes` 8 s scenes, each with one line of dialogue voiced through the real
openai SDK against the local fake speech server (tests/fake_speech.py), a music bed, real
animatic takes. Prints
- the audio stage (plan, mix, two-pass loudness, rewriting the sound track) per minute of
  output, timed on its own after a full export;
- the whole export per minute of output;
- speech calls per export: the first export, an unchanged re-export, and a re-export after
  one line changed (must be 1).
Runs in one process: SQLite and an embedded Redis in a temp folder.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(tmp: Path) -> object:
    from cryptography.fernet import Fernet

    from comicstudio.embedded_redis import EmbeddedRedis

    redis = EmbeddedRedis(workdir=tmp / "redis")
    os.environ.update({
        "COMICSTUDIO_VAR_DIR": str(tmp), "COMICSTUDIO_MEDIA_ROOT": str(tmp / "media"),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}", "REDIS_URL": redis.start(),
        "COMICSTUDIO_CREDENTIALS_KEY": Fernet.generate_key().decode(), "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only", "COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS": "1",
        "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "comicstudio.settings",
    })  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return redis


def _script(scenes: int, changed: int = -1) -> str:
    parts = []
    for i in range(scenes):
        line = "Not now." if i == changed else f"This is line {i}, said slowly and clearly."
        parts.append(f"INT. ROOM - DAY\n\nMia waits.\n[[shot: 8s]]\n\nMIA\n{line}\n")
    return "\n".join(parts)


def _export(episode, user) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    from generation.export.services import run_export, start_export

    start = time.perf_counter()
    export = start_export(episode=episode, kind="final", requested_by=user)
    run_export(export.pk)
    export.refresh_from_db()
    assert export.status == "succeeded", export.error  # noqa: S101
    return time.perf_counter() - start, export


def main() -> None:
    scenes = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    tmp = Path(tempfile.mkdtemp(prefix="comicstudio-bench-sound-"))
    redis = _setup(tmp)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from generation.sound.mix import finish_sound, plan_sound
    from generation.sound.models import ProjectSound
    from projects.models import Episode, Membership, Project, Role, Studio
    from projects.services import save_script
    from tests.export_world import MATCHING, add_take
    from tests.fake_speech import FakeSpeech
    from tests.sound_world import add_speech_credential, recast_mia, voice_mia
    from tests.test_sound_export import music_wav

    fake = FakeSpeech().start()
    try:
        studio = Studio.objects.create(name="Bench")
        user = get_user_model().objects.create_user("bench", password="bench-only-9")  # noqa: S106
        Membership.objects.create(studio=studio, user=user, role=Role.OWNER)
        episode = Episode.objects.create(project=Project.objects.create(studio=studio, name="B"),
                                         number=1, title="Bench")  # fmt: skip
        save_script(episode=episode, text=_script(scenes), edited_by=user)
        for scene in episode.scenes.order_by("position"):
            add_take(scene, user, MATCHING[0])
        add_speech_credential(studio, fake)
        voice_mia(episode)
        sound = ProjectSound.objects.get(project=episode.project)
        sound.music.save("bed.wav", ContentFile(music_wav(60)))
        first_wall, export = _export(episode, user)
        minutes = export.report["seconds"] / 60
        calls = [len(fake.spoken)]
        copy = tmp / "stage.mp4"
        shutil.copyfile(Path(settings.MEDIA_ROOT, export.video.name), copy)
        start = time.perf_counter()
        plan = plan_sound(episode, [e["scene_id"] for e in export.manifest])
        finish_sound(copy, plan, [tuple(p) for p in export.report["scenes"]])
        stage = time.perf_counter() - start
        _export(episode, user)
        calls.append(len(fake.spoken) - sum(calls))
        save_script(episode=episode, text=_script(scenes, changed=scenes // 2), edited_by=user)
        recast_mia(Episode.objects.get(pk=episode.pk))
        for scene in episode.scenes.filter(takes__isnull=True):
            add_take(scene, user, MATCHING[0])
        _export(Episode.objects.get(pk=episode.pk), user)
        calls.append(len(fake.spoken) - sum(calls))
    finally:
        fake.stop()
        redis.stop()  # type: ignore[attr-defined]
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"output: {minutes * 60:.1f} s ({scenes} scenes), "
          "one voice, a music bed")  # fmt: skip
    print(f"audio stage per minute of output  {stage / minutes:.2f} s")
    print(f"whole export per minute of output  {first_wall / minutes:.2f} s")
    print(f"speech calls: first export {calls[0]}, unchanged re-export {calls[1]}, "
          f"after one line changed {calls[2]}")  # fmt: skip


if __name__ == "__main__":
    main()
