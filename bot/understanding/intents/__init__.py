"""Intents: the trained classifier, its sentence encoders, fast inference, the keyword rules, and training."""
