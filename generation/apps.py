from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"

    def provider_names(self) -> tuple[str, ...]:
        """The configured providers' names, for the projects app (which may not import us)."""
        from generation.providers import PROVIDERS  # imported late: apps load before models

        return tuple(PROVIDERS)

    def allowed_durations(self, provider: str) -> tuple[int, ...]:
        """Shot lengths a provider accepts, for the projects app's breakdown and storyboard."""
        from generation.providers import PROVIDERS

        provider_class = PROVIDERS.get(provider) or PROVIDERS["animatic"]
        return provider_class.capabilities.durations
