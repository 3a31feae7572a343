from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"

    def provider_names(self) -> tuple[str, ...]:
        """The configured providers' names, for the projects app (which may not import us)."""
        from generation.providers import PROVIDERS  # imported late: apps load before models

        return tuple(PROVIDERS)
