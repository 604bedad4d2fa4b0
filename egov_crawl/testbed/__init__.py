"""The sample government web: a local, generated, ground-truthed testbed (sites, server, DNS, hostile sites)."""
