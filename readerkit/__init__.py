"""readerkit: builds annotated course readers (PDF and EPUB) from plain files."""

__version__ = "0.1.0"
