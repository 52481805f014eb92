"""The repository itself: how the code is laid out and what the guides promise."""
