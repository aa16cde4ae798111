"""Test doubles and process helpers that ship with the package for users' own tests (never imported by the service).

fakes: an in-memory shop, a keyword retriever, a scripted engine, a recording bus; turns: the real TurnHandler and
Service wired on those fakes; service: FakeService for server tests; llm_server: a scripted OpenAI-compatible server;
commerce: a small SQLite shop; channels: signed platform payloads; redis_server and processes: a throwaway
redis-server and a real shopkeeper server process; spawn: the free port and the stop they and other child servers use.
"""
