"""Loading a published list, unedited, as the pipeline it is:

1. reading the sheet (sheet.py): CSV, XLSX or JSON as numbered records, bounded by content;
   a workbook's every worksheet (book.py: each sheet that holds a list is a list of its own,
   all of them one import);
2. locating the rows (layout.py): the title, the header, the firms' rows, merged cells filled;
3. the list's facts (facts.py): from parameters, the title and columns; one error if missing;
4. reading each row (rows.py): cells into values, the facts filled in, the row placed;
5. identifying firms (firms.py, admission.py): by credit code or name; rows skipped or left
   unresolved;
6. applying (apply.py, revoke.py): every row in one write transaction, or none of them.

The upload is whole (spooled) before step 1: a slow client holds no lock. run.py runs the steps
in order (reading.py the first four), in this process or, for a large list on SQLite, with a
forked child that reads and decides the rows while this process writes them (pipeline.py). Each
stage fills its part of the answer (result.py), which is made of them at the end.
"""

from registry.services.imports.options import ImportOptions, Upload
from registry.services.imports.reading import open_list, read_list
from registry.services.imports.result import ImportResult, rejected_file
from registry.services.imports.run import run_import
from registry.services.imports.sheet import spool

__all__ = [
    "ImportOptions",
    "ImportResult",
    "Upload",
    "open_list",
    "read_list",
    "rejected_file",
    "run_import",
    "spool",
]
