"""``authgate breached-passwords import FILE`` and ``authgate breached-passwords status``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from authgate.breached.store import DEFAULT_CHUNK, FILE_NAME, PrefixFile, import_corpus

breached_app = typer.Typer(help="Breach data for breached password detection.")
DataDir = Annotated[Path, typer.Option(envvar="AUTHGATE_DATA_DIR", help="AUTHGATE_DATA_DIR")]


@breached_app.command("import")
def import_command(
    source: Annotated[Path, typer.Argument(help="Pwned Passwords SHA-1 'HASH:count' file, or -")],
    data_dir: DataDir = Path("./var"),
    min_count: Annotated[int, typer.Option(help="skip hashes seen fewer times")] = 1,
    chunk_size: Annotated[int, typer.Option(help="lines sorted in memory at once")] = DEFAULT_CHUNK,
) -> None:
    """Import breach data (replaces the previous import atomically)."""
    if str(source) == "-":
        result = import_corpus(sys.stdin, data_dir, min_count=min_count, chunk_size=chunk_size)
    else:
        if not source.is_file():
            typer.echo(f"no such file: {source}", err=True)
            raise typer.Exit(2)
        with source.open(encoding="ascii", errors="replace") as lines:
            result = import_corpus(lines, data_dir, min_count=min_count, chunk_size=chunk_size)
    typer.echo(
        f"imported {result.entries:,} hashes ({result.size:,} bytes) into "
        f"{data_dir / FILE_NAME}; skipped {result.skipped:,} below --min-count, "
        f"{result.malformed:,} malformed lines"
    )


@breached_app.command("status")
def status_command(data_dir: DataDir = Path("./var")) -> None:
    """How much breach data is imported."""
    found = PrefixFile(data_dir / FILE_NAME).status()
    if found is None:
        typer.echo("no breach data imported (the bundled list of common passwords is used)")
        return
    entries, size = found
    typer.echo(f"{entries:,} hashes, {size:,} bytes, {data_dir / FILE_NAME}")
