"""Tests of the testbed: generated sites, server, DNS and hostile sites."""
