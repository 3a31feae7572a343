"""A crawl of every page a studio member can reach: a hidden character never shows up."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from characters.models import Character, Privacy
from characters.services import add_reference
from characters.uploads import check_image
from generation.credentials import ProviderCharacter, ProviderCredential
from generation.export.models import Export, ExportStatus
from projects.models import Scene
from tests.character_media import clip_bytes, image_bytes
from tests.factories import make_take

pytestmark = pytest.mark.django_db

LINK = re.compile(r'(?:href|hx-get|src|action|ws-connect)="(/[^"]*)"')
SKIP = ("/logout/", "/admin/", "/static/")
MAX_PAGES = 400


@pytest.fixture
def secret(studio, writer, episode):  # type: ignore[no-untyped-def]
    """The writer's only-me character, cast in a scene, described in a take, registered."""
    character = Character.objects.create(
        owner=writer, name="Sable Nightjar", handle="sable_secret", privacy=Privacy.ONLY_ME,
        appearance="A tall heron in a silver cloak.",
    )  # fmt: skip
    front = image_bytes()
    reference = add_reference(
        character=character, angle="front", checked=check_image(ContentFile(front), size=len(front))
    )
    # Cast without a mention in the script's text (a mention is the writer's own words,
    # which every member reads: see the note in docs/characters.md).
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    scene.cast.add(character)
    make_take(scene, writer, prompt="Sable Nightjar, a tall heron in a silver cloak, waits.")
    credential = ProviderCredential(studio=studio, provider="openai", base_url="")
    credential.set_api_key("sk-privacy-crawl-1")
    credential.save()
    ProviderCharacter.objects.create(
        credential=credential, character=character, provider_character_id="char_sable",
        registered_by=writer,
    )  # fmt: skip
    # A finished export: its pages and files are crawled too.
    export = Export.objects.create(
        episode=episode, number=1, kind="draft", status=ExportStatus.SUCCEEDED, fingerprint="x"
    )
    export.video.save("episode.mp4", ContentFile(clip_bytes(2)))
    return [
        "Sable Nightjar", "sable_secret", "silver cloak", "char_sable",
        f"/characters/references/{reference.pk}/",
    ]  # fmt: skip


def crawl(client: Client, *starts: str) -> dict[str, str]:
    """Every same-site page reachable from the home page (and `starts`) by GET: url → text."""
    seen: dict[str, str] = {}
    queue = deque(["/", *starts])
    while queue and len(seen) < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url, follow=True)
        kind = response.get("Content-Type", "")
        textual = kind.startswith(("text/", "application/json")) and not response.streaming
        text = response.content.decode() if textual else ""
        assert response.status_code < 500, url
        seen[url] = text
        for link in LINK.findall(text):
            if not urlsplit(link).netloc:
                queue.append(link.replace("&amp;", "&"))
    return seen


@pytest.mark.parametrize("role", ["owner", "producer", "reviewer", "viewer"])
def test_no_page_a_member_reaches_names_a_hidden_character(request, secret, episode, role):
    member = request.getfixturevalue(role)
    client = Client()
    client.force_login(member)
    # No page links the episode's exports yet (the export badge is not placed): start there too.
    pages = crawl(client, reverse("generation:episode_exports", args=[episode.pk]))

    assert f"/episodes/{episode.pk}/" in pages and len(pages) > 15, sorted(pages)
    # The studio's team pages and the episode's exports are among them.
    assert f"/studios/{episode.project.studio_id}/members/" in pages, sorted(pages)
    assert any(url.startswith("/exports/") and "/files/" in url for url in pages), sorted(pages)
    leaks = [(url, word) for url, text in pages.items() for word in secret if word in text]
    assert not leaks, leaks


def test_the_owner_of_the_character_does_see_it(secret, writer, episode):
    client = Client()
    client.force_login(writer)
    pages = crawl(client)
    assert any("Sable Nightjar" in text for text in pages.values())
