"""Seed the price table with the providers' public list prices, as published, and their date.

These are list prices per second of video (USD) as the vendors published them on the
dates given; aggregators and contracts differ, so studio owners set their own under
Prices. Changing a published price later is a new data migration.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

OPENAI = "OpenAI API pricing, list price as published at the Sora 2 API launch"
GOOGLE = "Gemini API pricing, list price as published at the Veo 3.1 launch"
PRICES = [
    # provider, model, resolution, with audio, USD per second, source, as of
    ("openai", "sora-2", "720p", True, "0.10", OPENAI, date(2025, 10, 6)),
    ("openai", "sora-2-pro", "720p", True, "0.30", OPENAI, date(2025, 10, 6)),
    ("openai", "sora-2-pro", "1024p", True, "0.50", OPENAI, date(2025, 10, 6)),
    ("veo", "veo-3.1-generate-preview", "720p", True, "0.40", GOOGLE, date(2025, 10, 15)),
    ("veo", "veo-3.1-generate-preview", "720p", False, "0.20", GOOGLE, date(2025, 10, 15)),
    ("veo", "veo-3.1-fast-generate-preview", "720p", True, "0.15", GOOGLE, date(2025, 10, 15)),
]


def seed(apps, schema_editor):
    ListPrice = apps.get_model("generation", "ListPrice")
    for provider, model, resolution, audio, price, source, as_of in PRICES:
        ListPrice.objects.update_or_create(
            studio=None, provider=provider, model=model, resolution=resolution,
            with_audio=audio,
            defaults={"price_per_second": Decimal(price), "source": source, "as_of": as_of},
        )  # fmt: skip


def unseed(apps, schema_editor):
    apps.get_model("generation", "ListPrice").objects.filter(studio=None).delete()


class Migration(migrations.Migration):
    dependencies = [("generation", "0003_price_table_and_budget")]

    operations = [migrations.RunPython(seed, unseed)]
