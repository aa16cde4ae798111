"""Adapters from the outside world to the bot's ports: IM channels and commerce backends."""
