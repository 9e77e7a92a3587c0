"""The map's modules as code: each parses as an ES module, none reaches into a private field of Leaflet or
a plugin (an underscore name: they change between releases without notice), and none writes the
suppression threshold itself (the server's setting is in the page's config)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

MODULES = sorted((Path(settings.BASE_DIR) / "maps" / "static" / "maps" / "js").glob("*.js"))


def test_there_are_modules_and_main_imports_them_all():
    main = (MODULES[0].parent / "main.js").read_text()
    imported = set(re.findall(r'from "\./([a-z]+\.js)"', main))
    # config, format, api and mvt come in through the others; the rest are main's.
    assert {"state.js", "api.js", "choropleth.js", "tiles.js", "panel.js", "popup.js", "list.js"} <= imported
    assert len(MODULES) >= 12


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_a_module_parses_and_uses_no_private_field(module):
    text = module.read_text()

    assert not re.findall(r"\._[A-Za-z]\w*", text), "a private field of Leaflet or a plugin"
    assert "<3" not in text.replace('"<3"', ""), "the suppression threshold is the server's"
    node = shutil.which("node")
    if node:
        checked = subprocess.run(
            [node, "--experimental-default-type=module", "--check", str(module)],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stderr
