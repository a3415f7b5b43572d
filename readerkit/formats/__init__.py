"""Stage 4, formats: each output format writes the rendered book (readerkit.document)."""
