"""Helpers shared by every app. Imports no app of the project."""
