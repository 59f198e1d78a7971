"""Counters that every web worker shares: rate limits (Flask-Limiter) and login failures,
kept in the application's own database unless a Redis URL is configured."""
