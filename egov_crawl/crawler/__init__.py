"""Scrapy plumbing: settings, resolver, middlewares, extraction, pipeline and the runner."""
