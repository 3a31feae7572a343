"""Real-looking scripts of any length, for parser, breakdown and page-speed tests."""

from __future__ import annotations

PLACES = [
    ("INT.", "HANA'S KITCHEN", "NIGHT"),
    ("EXT.", "NIGHT MARKET", "NIGHT"),
    ("INT.", "TRAM", "DAY"),
    ("EXT.", "ROOFTOP GARDEN", "DUSK"),
    ("INT./EXT.", "DELIVERY SCOOTER", "NIGHT"),
    ("INT.", "NOODLE SHOP", "DAY"),
]
ACTIONS = [
    "Steam curls from a bamboo basket. @hana_chef lifts the lid: one dumpling left.",
    "Lanterns sway over the stalls. @mochi_cat weaves between the feet of the crowd.",
    "Rain streaks the windows. @hana_chef hugs a thermos and counts the stops.",
    "Basil and mint in old paint tins. The city hums below.",
    "Wind tugs at her scarf as the scooter leans into the corner.",
    "A cook slams a wok on the flame; sparks jump. The queue cheers.",
]
LINES = [
    ("HANA", "Just one left. I saved the best for last."),
    ("HANA", "Don't even think about it, Mochi."),
    ("@mochi_cat", "Mrrp."),
    ("HANA", "Two more stops. Then soup, then bed."),
    ("VENDOR", "Last call! Half price for the night owls!"),
]


def long_script(scenes: int) -> str:
    """A script of `scenes` scenes with sections, synopses, notes, cues and transitions."""
    parts = ["Title: The Last Dumpling\nCredit: Written by\nAuthor: Wendy\n"]
    for n in range(scenes):
        if n % 10 == 0:
            parts.append(f"# Act {n // 10 + 1}\n\n= Hana guards her dumpling, part {n // 10 + 1}.")
        where, place, time = PLACES[n % len(PLACES)]
        block = [f"{where} {place} {n + 1} - {time}", ACTIONS[n % len(ACTIONS)] + f" Beat {n + 1}."]
        if n % 3 == 0:
            block.append(f"[[shot: {(4, 8, 12)[n % 3 - 1 if n % 9 else 1]}s, medium shot]]")
        if n % 2 == 0:
            speaker, line = LINES[n % len(LINES)]
            block.append(f"{speaker}\n(quietly)\n{line}" if n % 4 == 0 else f"{speaker}\n{line}")
        if n % 7 == 6:
            block.append("CUT TO:")
        if n % 5 == 4:
            block.append("[[check the continuity of her scarf]]")
        parts.append("\n\n".join(block))
    return "\n\n".join(parts) + "\n"
