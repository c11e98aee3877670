"""What every feature package shares: the base model, time helpers, templates, errors, uploads."""
