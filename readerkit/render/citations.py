"""Citations the engine writes itself (Pandoc's citeproc writes the rest): short references
for compact source lists such as the timeline's."""

from __future__ import annotations

from readerkit.model import Project


def short_reference(project: Project, key: str) -> str:
    """'Dobbs, One Minute to Midnight' from the .bib entry, for compact source lists."""
    entry = project.bibliography.get(key)
    if entry is None:
        return key
    who = (
        entry.fields.get("author")
        or entry.fields.get("editor")
        or entry.fields.get("organization", entry.fields.get("publisher", ""))
    )
    who = who.split(" and ")[0].split(",")[0].strip("{} ")
    title = entry.fields.get("shorttitle") or entry.fields.get("title", key)
    title = title.split(":")[0].replace("{", "").replace("}", "")
    title = title.replace("---", "\u2014").replace("--", "\u2013")  # BibTeX dashes
    return f"{who}, {title}" if who else title
