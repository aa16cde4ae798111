"""shopkeeper: a self-hosted AI customer-service agent for online shops (the map is in docs/architecture.md)."""
