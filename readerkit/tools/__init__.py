"""Editors' tools outside the build: drafting an excerpt from a web capture (clean_source)."""
