"""Tokenizer for a tiny scripting language, with line/column positions."""
