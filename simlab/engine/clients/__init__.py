"""The engine's API clients: Dallinger's and oTree's, over httpx, with retries and request events."""
