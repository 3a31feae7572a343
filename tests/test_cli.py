"""The `comicstudio` command end to end: a live ASGI server, a real Celery worker, the
animatic provider, and the installed console script run as a separate process."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import urllib.request
from pathlib import Path

import av
import pytest

from projects.models import Episode, Project
from tests.api_world import token_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SCRIPT = """\
INT. KITCHEN - DAY

Mia stirs a pot of soup.

MIA
Almost ready.

EXT. ROOFTOP - NIGHT

Mia and the cat share the soup under the stars.
"""
COMMAND = str(Path(sys.executable).parent / "comicstudio")


def run(config: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(config.parent),
           "COMICSTUDIO_CONFIG": str(config)}  # fmt: skip
    return subprocess.run(  # noqa: S603 — our own console script
        [COMMAND, *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


def _approve_all(url: str, secret: str, episode_id: int) -> None:
    def call(method: str, path: str, body: object = None) -> object:
        request = urllib.request.Request(
            url + "/api/v1" + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request) as answer:
            return json.loads(answer.read())

    takes = call("GET", f"/episodes/{episode_id}/takes?current=true")
    for take in takes:  # type: ignore[attr-defined]
        call("POST", f"/takes/{take['id']}/decisions", {"action": "approve"})


def _playable(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = sum(1 for _ in container.decode(stream))
        assert frames > 0
        return float(container.duration / av.time_base)


def test_push_generate_wait_download_and_export_an_episode(
    studio, owner, producer, asgi_server, celery_worker, tmp_path
):
    project = Project.objects.create(studio=studio, name="CLI Stories")
    episode = Episode.objects.create(project=project, number=1, title="Soup")
    config = tmp_path / "home" / "comicstudio.json"
    config.parent.mkdir()
    secret = token_for(producer, studio)

    login = run(config, "login", "--url", asgi_server.url, "--token", secret)
    assert login.returncode == 0, login.stderr
    assert "Logged in as pat_producer in Test Studio" in login.stdout
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert secret in config.read_text()

    script = tmp_path / "episode.fountain"
    script.write_text(SCRIPT)
    pushed = run(config, "--json", "script", "push", str(script), "--episode", str(episode.pk))
    assert pushed.returncode == 0, pushed.stderr
    assert json.loads(pushed.stdout)["summary"].startswith("2 new, 0 changed, 0 removed")

    generated = run(config, "--json", "generate", "--episode", str(episode.pk), "--yes")
    assert generated.returncode == 0, generated.stderr
    batch = json.loads(generated.stdout)
    assert len(batch["takes"]) == 2 and batch["status_url"].startswith("/api/v1/batches/")

    waited = run(config, "wait", "--episode", str(episode.pk), "--interval", "0.5")
    assert waited.returncode == 0, waited.stdout + waited.stderr
    assert "scene   1 [####################] 100% succeeded" in waited.stdout
    assert "scene   2 [####################] 100% succeeded" in waited.stdout
    assert "2 succeeded, 0 did not." in waited.stdout

    nothing = run(config, "download", "--episode", str(episode.pk), "--approved",
                  "--to", str(tmp_path / "none"))  # fmt: skip
    assert nothing.returncode == 4  # no approved take yet: said, with its exit code

    _approve_all(asgi_server.url, token_for(owner, studio), episode.pk)
    out = tmp_path / "out"
    downloaded = run(config, "--json", "download", "--episode", str(episode.pk), "--approved",
                     "--to", str(out))  # fmt: skip
    assert downloaded.returncode == 0, downloaded.stderr
    files = sorted(out.glob("*.mp4"))
    assert [f.name for f in files] == ["scene-001-take-1.mp4", "scene-002-take-1.mp4"]
    for file in files:
        assert abs(_playable(file) - 4) < 0.2

    exported = run(config, "export", "--episode", str(episode.pk), "--wait", "--interval", "0.5",
                   "--to", str(out))  # fmt: skip
    assert exported.returncode == 0, exported.stdout + exported.stderr
    assert abs(_playable(out / f"episode-{episode.pk}-export-1.mp4") - 8) < 0.5


def test_refusals_have_their_exit_codes(studio, viewer, asgi_server, episode, tmp_path):
    config = tmp_path / "comicstudio.json"
    assert run(config, "wait", "--episode", "1").returncode == 3  # not logged in
    assert run(config, "login", "--url", asgi_server.url, "--token", "cst_wrong").returncode == 3
    read_only = token_for(viewer, studio, "read")
    assert run(config, "login", "--url", asgi_server.url, "--token", read_only).returncode == 0
    refused = run(config, "--json", "generate", "--episode", str(episode.pk), "--yes")
    assert refused.returncode == 3
    assert "may not generate takes" in json.loads(refused.stderr)["error"]
    assert run(config, "generate", "--episode", "999999", "--yes").returncode == 7


def test_the_command_does_not_import_django():
    code = "import sys, comicstudio_cli.main; print('django' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603
                           check=True)  # fmt: skip
    assert found.stdout.strip() == "False"
