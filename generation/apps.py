from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"

    def ready(self) -> None:
        # Panels on the character page (characters.panels): registered, never imported below.
        from generation import character_panels  # noqa: F401

        # The sound flag's facts join the storyboard card's cache key.
        from generation.sound import card_facts  # noqa: F401
