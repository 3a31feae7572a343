"""Patterns of the API's text inputs, so the schema says what the forms behind it accept.

No text may hold NUL (PostgreSQL cannot store it; Django's form fields refuse it too).
"""

NO_NUL = r"^[^\x00]*$"
SOME_TEXT = r"^[^\x00]*[^\x00\s][^\x00]*$"  # the forms strip: blank text is no text

# An object id in a body: what a database integer holds (a larger one would not reach a
# query; path ids are compared by Django, which finds nothing for them).
ID_MAX = 2**63 - 1
