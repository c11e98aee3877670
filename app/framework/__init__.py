"""The outcome framework as versioned reference data: headline outcomes, descriptors and measures."""
