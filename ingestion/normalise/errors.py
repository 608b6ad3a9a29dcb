"""The one error shape of the normalisers: what was written, a code, and bilingual reasons."""


class NormalisationError(ValueError):
    """A cell that cannot be read; the reasons are written for the data steward."""

    def __init__(self, original: str, code: str, reason_en: str, reason_vi: str):
        super().__init__(f"{reason_en} / {reason_vi}: {original!r}")
        self.original = original
        self.code = code
        self.reason_en = reason_en
        self.reason_vi = reason_vi
