"""Helpers for the Cognito Pools Lab notebooks.

`helpers.offline` is the faithful offline AWS; the other modules are the
course's plumbing (backends, naming, pictures) and never hide the lesson.
"""
