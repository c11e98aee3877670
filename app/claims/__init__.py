"""Payment-by-results claims: rounds built from the outcome rule sets, four-eyes approval with an
immutable evidence snapshot, the internal audit sample, submission and payment, finance exports."""
