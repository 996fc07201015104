"""The widget's source: its pure ES modules under node's own test runner, and the bundle the
server sends as /widget.js (every module, once, in dependency order, valid JavaScript).
"""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ui.widget_bundle import bundle

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "ui" / "static" / "widget"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="needs node (20 or later) on PATH for `node --test`")


@needs_node
def test_the_pure_modules_pass_their_node_tests() -> None:
    done = subprocess.run(
        [str(NODE), "--test", str(ROOT / "tests" / "ui" / "js")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout


@needs_node
def test_the_bundle_is_valid_javascript(tmp_path: Path) -> None:
    script = tmp_path / "widget.js"
    script.write_text(bundle(resources.files("ui") / "static" / "widget"), encoding="utf-8")
    done = subprocess.run([str(NODE), "--check", str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_bundle_holds_every_module_once_without_imports() -> None:
    script = bundle(resources.files("ui") / "static" / "widget")
    names = sorted(p.name for p in MODULES.glob("*.js"))
    assert sorted(line[8:].strip() for line in script.splitlines() if line.startswith("// ---- ")) == names
    assert (
        script.index("// ---- i18n.js") < script.index("// ---- errors.js") < script.index("// ---- main.js")
    )
    assert "\nimport " not in script and "\nexport " not in script
    assert script.rstrip().endswith("})();")


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_bundler_refuses_what_it_cannot_join(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    clash = write(
        tmp_path / "a",
        {"main.js": 'import { x } from "./b.js";\nexport function x() {}\n', "b.js": "export var x = 1;\n"},
    )
    with pytest.raises(ValueError, match=r"'x' is declared at the top of both b\.js and main\.js"):
        bundle(clash)
    (tmp_path / "c").mkdir()
    cycle = write(
        tmp_path / "c",
        {"main.js": 'import { b } from "./b.js";\n', "b.js": 'import { m } from "./main.js";\n'},
    )
    with pytest.raises(ValueError, match=r"import cycle: main\.js -> b\.js -> main\.js"):
        bundle(cycle)
    (tmp_path / "d").mkdir()
    other = write(tmp_path / "d", {"main.js": 'import * as b from "./b.js";\n', "b.js": ""})
    with pytest.raises(ValueError, match="only 'import"):
        bundle(other)


def test_the_server_sends_the_bundle(client_app) -> None:
    response = client_app.get("/widget.js")
    assert response.status_code == 200
    assert response.text == bundle(resources.files("ui") / "static" / "widget")


@pytest.fixture(scope="module")
def client_app(pipeline, ui_settings) -> TestClient:
    from ui.server import create_app

    return TestClient(create_app(pipeline, ui_settings))
