"""Infrastructure probes: HTTPS (pshtt-style), TLS, HTTP headers, availability, security.txt, DNS (issue 5)."""
