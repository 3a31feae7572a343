"""Sound: a voice per character, dialogue tracks, per-scene sound, the music bed, loudness."""
