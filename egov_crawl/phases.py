"""The phases of a run, in the order they run: three collectors, then the judgement of what they stored.

A leaf module, so that the command-line options, the pipeline and the distributed queue share one list
without importing each other."""

PHASES = ("crawl", "probe", "browse", "score")
