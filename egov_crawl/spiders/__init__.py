"""The generic agency spider and the site-level fetches beside it."""
