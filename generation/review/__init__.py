"""The review room: decisions, comments and the pages reviewers work in."""
