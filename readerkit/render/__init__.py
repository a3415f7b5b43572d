"""Stage 3, render: Pandoc, anchoring, glossary links and assembly (Project -> BookDoc)."""
