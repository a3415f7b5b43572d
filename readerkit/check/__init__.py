"""Stage 2, check: cross-file rules and verbatim quotation checks over the loaded project."""
