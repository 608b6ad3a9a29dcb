"""Web-form submissions: one JSON document per unit × period, validated by a JSON Schema.

Numbers are parsed as Decimal, never float, so 0.1 stays 0.1 and 1.50 keeps its zero. A
JSON number with a fraction is written with a decimal comma, as Vietnamese write it ('1,50'):
JSON's point is a decimal point, while landing reads '12.345' as twelve thousand three hundred
and forty-five, the Vietnamese way. A value sent as text is kept as sent, as from the CSV reader.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ingestion.normalise.numbers import typed_number_text
from ingestion.normalise.text import to_nfc
from ingestion.readers.table import LongTable, UnreadableFile, decode_text, long_table

__all__ = ["load_schema", "read_json_submission"]

log = logging.getLogger(__name__)

_SCHEMA_PACKAGE = "ingestion.reference"
_SCHEMA_FILE = "submission.schema.json"

# Reasons in Vietnamese by the schema keyword that failed; the English one is jsonschema's.
_REASONS_VI = {
    "required": "thiếu trường bắt buộc",
    "type": "sai kiểu dữ liệu",
    "minItems": "danh sách không được trống",
    "minLength": "không được để trống",
    "additionalProperties": "có trường không được phép",
}


@cache
def load_schema() -> dict[str, Any]:
    text = resources.files(_SCHEMA_PACKAGE).joinpath(_SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return schema


def _json_path(error: ValidationError) -> str:
    parts = list(error.absolute_path)
    if error.validator == "required":
        # jsonschema reports a missing field at its parent; the submitter looks for the field.
        missing = next((p for p in error.validator_value if p not in error.instance), None)
        if missing is not None:
            parts.append(missing)
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; Python's parser accepts them unless told otherwise.
    raise ValueError(f"{name} is not a valid JSON number")


def _number_text(value: Any) -> str:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return typed_number_text(value)  # '1.50' as typed is '1,50'; '1E+3' is '1000'
    return to_nfc(str(value))


class _RepeatedKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _without_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when a key repeats ({"value": 12, "value": 21}): the parser
    would keep the last one without a word."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKey(key)
        found[key] = value
    return found


def read_json_submission(data: bytes) -> LongTable:
    """Columns: row_number (index in `values` + 1), the long columns, form, submitted_by."""
    text = decode_text(data)
    try:
        document = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_without_repeated_keys,
        )
    except _RepeatedKey as repeated:
        raise UnreadableFile(
            f"the field {repeated.key!r} is written twice in one object; which one is meant "
            "cannot be told: keep one",
            f"trường {repeated.key!r} được ghi hai lần trong cùng một mục; không biết giá trị "
            "nào đúng: hãy giữ lại một",
        ) from repeated
    except ValueError as exc:
        # The parser's words (English, with offsets) go to the log; the clerk gets the line.
        log.info("JSON parse error: %s", exc)
        where = getattr(exc, "lineno", None)
        at_en = f" (line {where})" if where else ""
        at_vi = f" (dòng {where})" if where else ""
        raise UnreadableFile(
            f"the file is not valid JSON{at_en}", f"tệp không phải JSON hợp lệ{at_vi}"
        ) from exc
    validator = Draft202012Validator(load_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))
    if errors:
        listed_en = "; ".join(f"{_json_path(e)}: {e.message}" for e in errors)
        log.info("JSON form validation: %s", listed_en)
        listed_vi = "; ".join(
            f"{_json_path(e)}: {_REASONS_VI.get(str(e.validator), 'không hợp lệ')}" for e in errors
        )
        raise UnreadableFile(
            f"the submission does not match the form: {listed_en}",
            f"bài nộp không đúng mẫu: {listed_vi}",
        )
    values: list[dict[str, Any]] = document["values"]
    n = len(values)
    columns: dict[str, list[str]] = {
        "unit": [to_nfc(document["unit"])] * n,
        "period": [to_nfc(document["period"])] * n,
        "indicator": [to_nfc(v["indicator"]) for v in values],
        "value_text": [_number_text(v["value"]) for v in values],
        # A JSON number is unambiguous: read the national way, whatever the texts say.
        "number_convention": [
            "typed" if isinstance(v["value"], Decimal | int) else "" for v in values
        ],
        **{
            name: [to_nfc(v.get(name, "")) for v in values]
            for name in ("unit_of_measure", "disaggregation", "note")
        },
        "form": [to_nfc(document.get("form", ""))] * n,
        "submitted_by": [to_nfc(document.get("submitted_by", ""))] * n,
    }
    return long_table(list(range(1, n + 1)), columns)
