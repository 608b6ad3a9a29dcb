"""Generate the reporting form (mẫu báo cáo) for one unit and period.

    python -m ingestion.forms UNIT PERIOD [OUTPUT]      (or: make form UNIT=... PERIOD=...)

The form lists every indicator of the catalogue on the sheet of its subject area, with the
unit's name and the canonical period code filled in; units type values in the 'Giá trị'
column and send the workbook back to the inbox.
"""

import sys
from pathlib import Path

from ingestion.normalise import parse_period
from ingestion.normalise.units import CATALOGUE_UNIT_VI
from ingestion.reference.catalogue import load_catalogue
from ingestion.reference.org_units import load_org_units
from ingestion.writers.form_workbook import write_form


class FormRequestError(ValueError):
    pass


def generate_form(unit_code: str, period_text: str, output: Path | None = None) -> Path:
    units = load_org_units().units.set_index("unit_code")
    if unit_code not in units.index:
        raise FormRequestError(
            f"no union unit has the code {unit_code!r}; codes look like P2025-01 or C2025-00004"
        )
    period = parse_period(period_text)
    catalogue = load_catalogue()
    indicators = [
        {
            "code": r.indicator_code,
            "name_vi": r.name_vi,
            "subject": r.subject,
            "unit": CATALOGUE_UNIT_VI.get(r.unit.strip(" ,"), r.unit),
        }
        for r in catalogue.itertuples()
    ]
    output = output or Path(f"form_{unit_code}_{period.code}.xlsx")
    write_form(output, unit_code, units.loc[unit_code, "name_vi"], period.code, indicators)
    return output


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__)
        return 2
    try:
        path = generate_form(argv[1], argv[2], Path(argv[3]) if len(argv) == 4 else None)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote the reporting form {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
