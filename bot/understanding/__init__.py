"""Understanding one scrubbed message: language, slots, intent (model + rules), sentiment and frustration."""
