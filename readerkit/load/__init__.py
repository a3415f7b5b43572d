"""Stage 1, load: read every content file of a reader into the model (readerkit.model)."""
