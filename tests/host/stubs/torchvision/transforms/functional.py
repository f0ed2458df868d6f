"""Stand-in: intentionally empty."""
