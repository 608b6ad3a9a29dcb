"""Normalising what units send: bytes to Vietnamese text, written numbers to values, written
periods to canonical period codes. Standard library only, so every reader can use it."""

from ingestion.normalise.numbers import NumberParseError, ParsedNumber, parse_vn_number
from ingestion.normalise.periods import Period, PeriodParseError, parse_period, period_from_code
from ingestion.normalise.text import DecodedText, decode_bytes, encode_cp1258, fold, to_nfc

__all__ = [
    "DecodedText",
    "NumberParseError",
    "ParsedNumber",
    "Period",
    "PeriodParseError",
    "decode_bytes",
    "encode_cp1258",
    "fold",
    "parse_period",
    "parse_vn_number",
    "period_from_code",
    "to_nfc",
]
