"""Downloader middlewares for unattended crawls: Retry-After and conditional re-fetches."""
