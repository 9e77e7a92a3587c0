import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from .conftest import SITE


def rows_of(path) -> list[tuple]:
    return list(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))


def test_the_command_writes_the_file_and_says_what_was_left_out(pages, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("ekshop_export", out=str(tmp_path / "all.xlsx"), site_url=SITE, stdout=out, stderr=err)
    rows = rows_of(tmp_path / "all.xlsx")
    assert rows[0][0] == "name" and len(rows) == 4
    assert "3 products" in out.getvalue()
    assert f"karim-furniture product {pages['chair'].pk}" in err.getvalue()
    assert f"rahima-tant product {pages['no_price'].pk}" in err.getvalue()


def test_one_enterprise(pages, tmp_path):
    call_command("ekshop_export", out=str(tmp_path / "one.xlsx"), enterprise="karim-furniture", site_url=SITE,
                 stderr=io.StringIO(), stdout=io.StringIO())  # fmt: skip
    assert len(rows_of(tmp_path / "one.xlsx")) == 1  # the header: its one product is unmapped


def test_absolute_links_need_a_site_address(pages, tmp_path, settings):
    with pytest.raises(CommandError, match="GEODB_SITE_URL"):
        call_command("ekshop_export", out=str(tmp_path / "x.xlsx"), site_url="")
    with pytest.raises(CommandError, match="no-such"):
        call_command("ekshop_export", out=str(tmp_path / "x.xlsx"), enterprise="no-such", site_url=SITE)
