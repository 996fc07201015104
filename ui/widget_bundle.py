"""The widget's ES modules (``ui/static/widget/*.js``) joined into the one ``/widget.js``.

A news site embeds one classic ``<script>`` tag, so the modules are bundled by concatenation:
starting from ``main.js``, every module comes after the modules it imports, its
``import ... from "./x.js";`` statements are dropped and ``export`` keywords removed, and the
whole is wrapped in one function so nothing leaks into the host page's globals. That works
because the modules only import names that they then use as is (no renaming, no default or
namespace imports) and no two modules declare the same top-level name; both are checked here,
so a module that breaks the rule fails the build (and its test) with the name and the file.

>>> "function fmt(" in bundle(resources.files("ui") / "static" / "widget")
True
"""

from __future__ import annotations

import re
from importlib import resources  # noqa: F401  (the doctest uses it)
from importlib.resources.abc import Traversable

ENTRY = "main.js"
_IMPORT = re.compile(r'^import\s*\{(?P<names>[^}]*)\}\s*from\s*"\./(?P<file>[\w-]+\.js)";[ \t]*\n', re.M)
_ANY_IMPORT = re.compile(r"^\s*import\b", re.M)
_EXPORT = re.compile(r"^export\s+(?=(?:async\s+)?function\b|const\b|let\b|var\b|class\b)", re.M)
_TOP_NAME = re.compile(
    r"^(?:export\s+)?(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)", re.M
)
_HEADER = "/*! article-qa widget -- bundled from ui/static/widget/*.js (see ui/widget_bundle.py) */\n"


def bundle(folder: Traversable) -> str:
    """The bundled widget script for the modules in ``folder``."""
    sources = {f.name: f.read_text(encoding="utf-8") for f in folder.iterdir() if f.name.endswith(".js")}
    if ENTRY not in sources:
        raise ValueError(f"the widget needs {ENTRY} in {folder}, found {sorted(sources)}")
    order = _order(sources)
    declared: dict[str, str] = {}
    parts = []
    for name in order:
        text = sources[name]
        for found in _TOP_NAME.finditer(text):
            other = declared.setdefault(found[1], name)
            if other != name:
                raise ValueError(f"{found[1]!r} is declared at the top of both {other} and {name}")
        body = _EXPORT.sub("", _IMPORT.sub("", text))
        if _ANY_IMPORT.search(body):
            raise ValueError(f"{name}: only 'import {{ a, b }} from \"./x.js\";' lines can be bundled")
        parts.append(f"// ---- {name}\n{body.strip()}\n")
    return _HEADER + '(function () {\n"use strict";\n' + "\n".join(parts) + "})();\n"


def _order(sources: dict[str, str]) -> list[str]:
    """Modules in dependency order (imports first), from the entry point; cycles are refused."""
    done: list[str] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise ValueError(f"import cycle: {' -> '.join([*visiting, name])}")
        if name not in sources:
            raise ValueError(f"{visiting[-1]} imports ./{name}, which does not exist")
        visiting.append(name)
        for imported in _IMPORT.finditer(sources[name]):
            visit(imported["file"])
        visiting.pop()
        done.append(name)

    visit(ENTRY)
    return done
