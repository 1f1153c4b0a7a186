"""Workbooks that print as they look: text widths, wrapped-row heights and the page setup every
written table shares (A4 landscape, one page wide, header rows repeated, page numbers; a table
too wide for that — assigned.xlsx — at a fixed scale with its identifying columns repeated).

LibreOffice (and Excel, for a file it did not write itself) does not grow a row for its wrapped
text: a row without a height prints one line high and its text runs over the rows below. So the
writers set each row's height from an estimate of its line count: a text's display width (a
wide East Asian character — ``unicodedata.east_asian_width`` W or F — counts 2, others 1) over
its column's width in characters. The estimate errs on the tall side (a row a little too high
prints fine; one too low overprints).

Cheap on purpose: the summary forms write ~20k rows/s and the assigned file 100k rows at a time.
Row heights use :func:`width_estimate` (from the UTF-8 length, no Python loop over characters;
never less than the exact width) and :func:`width_estimate_arrow` for a whole Arrow column."""

from __future__ import annotations

import math
import unicodedata

PAPER_A4 = 9
LINE_HEIGHT = 15.0  # points per wrapped line (Calibri 11 or a CJK fallback font at 11 pt)
ROW_PADDING = 3.0  # points above and below the lines
DEFAULT_ROW_HEIGHT = 15.0
FOOTER = "&C第 &P 页，共 &N 页"
HEADER = "&C&A"  # the sheet's name
WIDE_SCALE = 80  # percent: 11 pt text prints at 8.8 pt; 8–13 columns a page
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.8}  # inches
CELL_PADDING = 1.0  # characters a cell loses to its margins
WRAP_FILL = 0.9  # of a line wrapped text fills on average (a number or word is not broken)


def display_width(text: str) -> int:
    """Columns ``text`` takes on screen and paper: 2 per wide East Asian character
    (``unicodedata.east_asian_width`` W or F), 1 for others; over its longest line. Exact, one
    lookup per character: for headers and column widths; rows use :func:`width_estimate`."""
    if "\n" in text:
        return max(display_width(line) for line in text.split("\n"))
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def width_estimate(text: str) -> int:
    """:func:`display_width` estimated from the text's UTF-8 length, in C (~0.2 µs): a
    three- or four-byte character (all of CJK) counts 2, others 1, with half a column more for
    each two-byte one (é, Cyrillic) and one more for a narrow three-byte one (–, …): equal for
    ASCII and Chinese, never less than the exact width (a row a little high prints fine)."""
    n = len(text)
    return n + (len(text.encode("utf-8", "surrogatepass")) - n) // 2


def line_count(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide (at least 1)."""
    cap = wrap_capacity(width)
    if "\n" in text:
        return sum(line_count(line, width) for line in text.split("\n"))
    if len(text) * 2 <= cap:  # fits whatever its characters: no need to measure
        return 1
    w = width_estimate(text)
    return 1 if w <= width - CELL_PADDING else math.ceil(w / cap)


def wrap_capacity(width: float) -> float:
    """Characters a wrapped line of a column ``width`` wide holds on average."""
    return max(1.0, (width - CELL_PADDING) * WRAP_FILL)


def row_height(lines: int) -> float:
    """A row's height in points for ``lines`` wrapped lines."""
    return max(DEFAULT_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING) if lines > 1 else DEFAULT_ROW_HEIGHT


def column_width(texts, least: float = 6, most: float = 40) -> float:
    """A column width (characters) that shows the widest of ``texts`` whole, between ``least``
    and ``most`` (a longer text wraps)."""
    widest = max((display_width(str(t)) for t in texts if t is not None and t != ""), default=0)
    return float(min(most, max(least, widest + 2)))


def width_estimate_arrow(arr):
    """:func:`width_estimate` of each text of an Arrow string array (null → 0), as a NumPy array."""
    import numpy as np
    import pyarrow.compute as pc

    chars = pc.fill_null(pc.utf8_length(arr), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    size = pc.fill_null(pc.binary_length(arr), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    return chars + (size - chars) // 2


def lines_arrow(arr, width: float):
    """:func:`line_count` of each text of an Arrow string array in a column ``width`` wide."""
    import numpy as np

    w = width_estimate_arrow(arr)
    return np.where(w <= width - CELL_PADDING, 1, np.ceil(w / wrap_capacity(width))).astype(np.int64)


# ---------------------------------------------------------------------------------------------
# page setup
# ---------------------------------------------------------------------------------------------

def xlsxwriter_print_setup(ws, *, title_rows: tuple[int, int] | None = None, footer: bool = True) -> None:
    """A4 landscape, fitted to one page wide (as many pages down as it takes), centred, with page
    numbers in the footer; ``title_rows`` (first, last; 0-based) repeated on every page."""
    ws.set_landscape()
    ws.set_paper(PAPER_A4)
    ws.set_margins(**MARGINS)
    ws.center_horizontally()
    ws.fit_to_pages(1, 0)
    if title_rows is not None:
        ws.repeat_rows(*title_rows)
    if footer:
        ws.set_footer(FOOTER)


def xlsxwriter_wide_print_setup(ws, *, title_rows: tuple[int, int], title_columns: tuple[int, int],
                                scale: int = WIDE_SCALE) -> None:
    """A table too wide for one page, printed as Excel users print one: A4 landscape at a fixed
    ``scale`` (percent; never shrunk to one page wide, which prints 42 columns at ~2 pt), the
    header rows ``title_rows`` on top and the identifying columns ``title_columns`` (first,
    last; 0-based, contiguous) at the left of every page, pages numbered over, then down (the
    pages of one block of rows follow each other), the sheet's name in the page header, page
    numbers in the footer, gridlines printed. Worksheet settings only: nothing per row."""
    ws.set_landscape()
    ws.set_paper(PAPER_A4)
    ws.set_margins(**MARGINS)
    ws.set_print_scale(scale)
    ws.repeat_rows(*title_rows)
    ws.repeat_columns(*title_columns)
    ws.print_across()
    ws.hide_gridlines(0)  # shown and printed (cells without a border still print their grid)
    ws.set_header(HEADER)
    ws.set_footer(FOOTER)


def openpyxl_print_setup(ws, *, title_rows: str | None = None, footer: bool = True) -> None:
    """The same for an openpyxl sheet; ``title_rows`` like ``"1:3"``."""

    _openpyxl_a4_landscape(ws, fit_to_page=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    if title_rows is not None:
        ws.print_title_rows = title_rows
    if footer:
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _openpyxl_a4_landscape(ws, *, fit_to_page: bool) -> None:
    """What every openpyxl sheet's print setup shares: A4 landscape, the margins, fit-to-page on or off."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=fit_to_page)
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = fit_to_page
    for side in ("left", "right", "top", "bottom"):
        setattr(ws.page_margins, side, MARGINS[side])


def openpyxl_wide_print_setup(ws, *, title_rows: str, title_columns: str, scale: int = WIDE_SCALE,
                              gridlines: bool = True) -> None:
    """:func:`xlsxwriter_wide_print_setup` for an openpyxl sheet (``title_rows`` like ``"1:3"``,
    ``title_columns`` like ``"D:F"``); ``gridlines=False`` for a sheet of formatted blank rows
    (the blank template: Excel would print their grid, page after empty page)."""

    _openpyxl_a4_landscape(ws, fit_to_page=False)
    ws.page_setup.scale = scale
    ws.page_setup.pageOrder = "overThenDown"
    ws.print_options.gridLines = gridlines
    ws.print_title_rows = title_rows
    ws.print_title_cols = title_columns
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def thin_border():
    """openpyxl's thin border on all four sides."""
    from openpyxl.styles import Border, Side

    side = Side(style="thin", color="000000")
    return Border(left=side, right=side, top=side, bottom=side)
