"""Views of the character library, split by what they serve."""
