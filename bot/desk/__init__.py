"""The human side: the handoff queue and its states, tickets, staff accounts, and agent assist."""
