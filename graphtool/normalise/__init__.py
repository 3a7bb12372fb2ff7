"""Pure normalisation functions: one distinct raw value in, one canonical value out (or ValueError)."""
