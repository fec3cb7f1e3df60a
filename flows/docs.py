"""Generate the README's reference sections (CLI, settings, database) from the code.

`python -m flows.docs --write README.md` rewrites the marked sections; `--check` fails when the
README has drifted (the test suite runs the check).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import typer.main

from claims.migrations import MIGRATIONS
from claims.settings import Settings
from claims.views import PUBLIC_VIEWS


def cli_reference() -> str:
    """Return Markdown describing every `claimtrack` command and its options."""
    from flows.cli import app

    root = typer.main.get_command(app)
    lines: list[str] = []
    for path, command in _walk(root, ["claimtrack"]):
        arguments = [(p.name or "").upper() for p in command.params if _is(p, "argument")]
        usage = " ".join(path + arguments)
        lines += [f"#### `{usage}`", "", (command.help or "").strip().split("\n")[0], ""]
        for param in command.params:
            if _is(param, "option") and param.help and "--help" not in param.opts:
                lines.append(f"- `{', '.join(param.opts)}`: {param.help}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _is(param: Any, kind: str) -> bool:
    # typer vendors its own click, so match on the parameter kind rather than the class.
    return getattr(param, "param_type_name", "") == kind


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    if hasattr(command, "commands"):
        found = []
        for name in sorted(command.commands, key=_command_order(command)):
            found += _walk(command.commands[name], path + [name])
        return found
    return [(path, command)]


def _command_order(group: Any) -> Any:
    names = list(group.commands)
    return lambda name: names.index(name)


def settings_reference() -> str:
    """Return a Markdown table of every setting, its environment variable and default."""
    lines = ["| environment variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = f"`{field.default}`" if field.default is not None else "(unset)"
        lines.append(f"| `CLAIMTRACK_{name.upper()}` | {default} | {field.description} |")
    return "\n".join(lines) + "\n"


def schema_reference() -> str:
    """Return Markdown documenting each public view and column (the same text as COMMENT ON)."""
    lines = [f"Migrations: {', '.join(m.name for m in MIGRATIONS)}.", ""]
    for view in PUBLIC_VIEWS:
        lines += [f"#### `{view.name}`", "", view.doc, "", "| column | meaning |", "|---|---|"]
        lines += [f"| `{column}` | {doc} |" for column, doc in view.columns]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


SECTIONS = {"cli": cli_reference, "settings": settings_reference, "schema": schema_reference}


def render(readme: str) -> str:
    """Return the README text with every generated section replaced by fresh output."""
    for name, make in SECTIONS.items():
        pattern = re.compile(
            rf"(<!-- BEGIN generated:{name} -->\n).*?(<!-- END generated:{name} -->)", re.S
        )
        if not pattern.search(readme):
            raise SystemExit(f"README has no generated:{name} section")
        readme = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), readme)
    return readme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("readme", type=Path, nargs="?", default=Path("README.md"))
    parser.add_argument("--check", action="store_true", help="Fail if the README is out of date.")
    args = parser.parse_args(argv)
    current = args.readme.read_text(encoding="utf-8")
    fresh = render(current)
    if args.check:
        if fresh != current:
            print(f"{args.readme} is out of date: run `python -m flows.docs`", file=sys.stderr)
            return 1
        return 0
    args.readme.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
