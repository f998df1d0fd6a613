"""Test doubles shipped with emaudit (a fake OpenAI-compatible server)."""
