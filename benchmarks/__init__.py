"""Speed and memory figures, each measured against a reference in the same run."""
