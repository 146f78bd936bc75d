"""The built-in password dictionary (``authgate.passwords.dictionary``)."""

from __future__ import annotations

from importlib import resources

from authgate.passwords.dictionary import common_passwords


def data(name: str) -> str:
    return (resources.files("authgate.passwords") / "data" / name).read_text("utf-8")


def test_the_list_holds_exactly_10000_unique_passwords_in_rank_order() -> None:
    lines = data("common-passwords.txt").split("\n")
    assert lines[-1] == ""  # one password a line, newline-terminated
    entries = lines[:-1]
    assert len(entries) == 10_000
    assert len(set(entries)) == 10_000
    assert entries[:5] == ["123456", "password", "12345678", "qwerty", "123456789"]
    assert all(entry and entry == entry.strip().lower() for entry in entries)


def test_the_list_is_loaded_once() -> None:
    assert common_passwords() is common_passwords()
    assert len(common_passwords()) == 10_000
    assert "letmein" in common_passwords()


def test_the_source_and_licence_ship_with_the_list() -> None:
    notice = data("NOTICE")
    assert "zxcvbn" in notice
    assert "4.5.0" in notice
    assert "MIT License" in notice
    assert "Permission is hereby granted, free of charge" in notice
