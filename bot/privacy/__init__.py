"""Privacy: PII found in shopper text and replaced by reversible placeholders kept in the conversation's vault."""
