"""The org-unit reference (đơn vị Hội): every union unit, its level, parent and validity.

Built from the official administrative units shipped in the `vietnamadminunits` package
(the 63-province map with districts before 1 July 2025, the 34-province map after it, and
the mapping between them), plus the union units that are not territorial.

Unit codes are the GSO codes qualified by era, because the GSO reused province codes for
different provinces in 2025 (code 15 was Yên Bái before, Lào Cai after):

    VN                  central union (Trung ương Hội)
    CA, QD              women's unions of the police and of the army (not territorial)
    P15, D132, C04246   province, district, commune before 1 July 2025
    P2025-15, C2025-00004   province and commune from 1 July 2025
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

MERGER_DATE = dt.date(2025, 7, 1)
LAST_LEGACY_DAY = MERGER_DATE - dt.timedelta(days=1)
NEW_ERA_PREFIX = "2025-"

ORG_UNIT_COLUMNS = [
    "unit_code",
    "gso_code",
    "name_vi",
    "short_name_vi",
    "level",
    "parent_code",
    "valid_from",
    "valid_to",
    "successor_code",
]

UNION_ONLY_UNITS = [
    ("VN", "Trung ương Hội Liên hiệp Phụ nữ Việt Nam", "Trung ương Hội", "central", None),
    ("CA", "Hội Phụ nữ Công an nhân dân", "Công an", "province", "VN"),
    ("QD", "Hội Phụ nữ Quân đội", "Quân đội", "province", "VN"),
]


@dataclass(frozen=True)
class OrgUnitReference:
    """The org-unit table and the legacy-to-2025 crosswalk, as pandas frames."""

    units: pd.DataFrame
    crosswalk: pd.DataFrame


def legacy_province_code(gso: str) -> str:
    return f"P{gso}"


def new_province_code(gso: str) -> str:
    return f"P{NEW_ERA_PREFIX}{gso}"


def legacy_commune_code(gso: str) -> str:
    return f"C{gso}"


def new_commune_code(gso: str) -> str:
    return f"C{NEW_ERA_PREFIX}{gso}"


def _admin_rows(table: str) -> list[dict]:
    # The package's own query helper; reading its SQLite file keeps us on the official data.
    from vietnamadminunits.database import query

    return query(f"select * from {table}")  # noqa: S608 (fixed table names only)


def _converter_mapping() -> dict:
    data = resources.files("vietnamadminunits").joinpath("data/converter_2025.json")
    return json.loads(data.read_text(encoding="utf-8"))


def _unit(code, gso, name, short, level, parent, valid_from=None, valid_to=None, successor=None):
    return {
        "unit_code": code,
        "gso_code": gso,
        "name_vi": name,
        "short_name_vi": short,
        "level": level,
        "parent_code": parent,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "successor_code": successor,
    }


def _province(row: dict, code: str, valid_from, valid_to, successor) -> dict:
    """A province unit from a row of either era's table (both name the same fields)."""
    return _unit(
        code,
        row["provinceCode"],
        row["province"],
        row["provinceShort"],
        "province",
        "VN",
        valid_from,
        valid_to,
        successor,
    )


@cache
def load_org_units() -> OrgUnitReference:
    """Every union unit and the legacy→2025 crosswalk. Cached: the source never changes in a run."""
    legacy = _admin_rows("admin_units_legacy")
    current = _admin_rows("admin_units")
    mapping = _converter_mapping()

    new_province_by_key = {r["provinceKey"]: r["provinceCode"] for r in current}
    legacy_province_by_key = {r["provinceKey"]: r["provinceCode"] for r in legacy}
    province_successor: dict[str, str] = {}
    for new_key, legacy_keys in mapping["DICT_PROVINCE"].items():
        for legacy_key in legacy_keys:
            province_successor[legacy_province_by_key[legacy_key]] = new_province_code(
                new_province_by_key[new_key]
            )

    rows = [
        _unit(code, None, name, short, level, parent)
        for code, name, short, level, parent in UNION_ONLY_UNITS
    ]
    crosswalk: list[dict] = []
    seen: set[str] = set()

    def add(row: dict) -> None:
        if row["unit_code"] not in seen:
            seen.add(row["unit_code"])
            rows.append(row)

    ward_successors = _legacy_ward_successors(mapping, legacy, current)
    for r in legacy:
        p = legacy_province_code(r["provinceCode"])
        add(_province(r, p, None, LAST_LEGACY_DAY, province_successor[r["provinceCode"]]))
        d = f"D{r['districtCode']}"
        add(
            _unit(
                d,
                r["districtCode"],
                r["district"],
                r["districtShort"],
                "district",
                p,
                None,
                LAST_LEGACY_DAY,
                province_successor[r["provinceCode"]],
            )
        )
        if not r["wardCode"]:
            continue  # a few districts have no communes listed (island districts)
        c = legacy_commune_code(r["wardCode"])
        successors = ward_successors.get(c, [])
        default = next((s for s, is_default in successors if is_default), None)
        add(
            _unit(
                c,
                r["wardCode"],
                r["ward"],
                r["wardShort"],
                "commune",
                d,
                None,
                LAST_LEGACY_DAY,
                default,
            )
        )
        for new_code, is_default in successors:
            crosswalk.append(
                {
                    "legacy_code": c,
                    "new_code": new_code,
                    "is_default": is_default,
                    "split_count": len(successors),
                }
            )
    for p_gso in sorted({r["provinceCode"] for r in legacy}):
        crosswalk.append(
            {
                "legacy_code": legacy_province_code(p_gso),
                "new_code": province_successor[p_gso],
                "is_default": True,
                "split_count": 1,
            }
        )

    for r in current:
        p = new_province_code(r["provinceCode"])
        add(_province(r, p, MERGER_DATE, None, None))
        add(
            _unit(
                new_commune_code(r["wardCode"]),
                r["wardCode"],
                r["ward"],
                r["wardShort"],
                "commune",
                p,
                MERGER_DATE,
                None,
                None,
            )
        )

    units = pd.DataFrame(rows, columns=ORG_UNIT_COLUMNS)
    cw = pd.DataFrame(crosswalk, columns=["legacy_code", "new_code", "is_default", "split_count"])
    return OrgUnitReference(units=units, crosswalk=cw.drop_duplicates(["legacy_code", "new_code"]))


def _legacy_ward_successors(mapping: dict, legacy: list[dict], current: list[dict]) -> dict:
    """legacy commune code → [(2025 commune code, is the default successor)].

    A legacy commune either went whole into one 2025 commune (NO_DIVIDED) or was split between
    several (DIVIDED), where the package names one default successor.
    """
    legacy_by_key = {
        f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}": r["wardCode"]
        for r in legacy
        if r["wardCode"]
    }
    new_by_key = {(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in current}
    out: dict[str, list[tuple[str, bool]]] = {}
    for new_province, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, legacy_keys in wards.items():
            new_gso = new_by_key.get((new_province, new_ward))
            if new_gso is None:
                continue
            for key in legacy_keys:
                if key in legacy_by_key:
                    out.setdefault(legacy_commune_code(legacy_by_key[key]), []).append(
                        (new_commune_code(new_gso), True)
                    )
    for new_province, pieces in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for key, targets in pieces.items():
            if key not in legacy_by_key:
                continue
            code = legacy_commune_code(legacy_by_key[key])
            out[code] = [
                (
                    new_commune_code(new_by_key[(new_province, t["newWardKey"])]),
                    bool(t["isDefaultNewWard"]),
                )
                for t in targets
                if (new_province, t["newWardKey"]) in new_by_key
            ]
    return out
