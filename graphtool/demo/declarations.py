"""Declaration lines: planted lines as columns, merging with the background, numbering, rendering.

``assemble`` sorts all lines by date, gives each declaration its 18-digit number (customs office,
year, export flag 0, a 9-digit serial per office and year), issues B/L, air waybill and mail
numbers, renders every column as text the way a customs extract shows it, and finally spoils a
few fixed rows on purpose (``bad_rows``) and a few check characters (``invalid_usccs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphtool.demo import idgen
from graphtool.demo.background import CURRENCIES, YEARS, FirmArrays
from graphtool.demo.common import SPECS_PER_GOOD, Context, office_for
from graphtool.demo.planted import PDecl
from graphtool.demo.vocab import AIR, MODES, POST, RAIL, ROAD, SEA, date_of

# Field names of loaders/mappings/cn_customs_export.yml, in its order, with the first Chinese header.
HEADERS: tuple[tuple[str, str], ...] = (
    ("declaration_no", "报关单号"),
    ("line_no", "项号"),
    ("declaration_date", "申报日期"),
    ("export_date", "出口日期"),
    ("exporter_name", "境内发货人"),
    ("exporter_uscc", "境内发货人统一社会信用代码"),
    ("producer_name", "生产销售单位"),
    ("producer_uscc", "生产销售单位统一社会信用代码"),
    ("consignee_name", "境外收货人"),
    ("agent_name", "申报单位"),
    ("agent_uscc", "申报单位统一社会信用代码"),
    ("transport_mode", "运输方式"),
    ("conveyance", "运输工具名称及航次号"),
    ("bl_no", "提运单号"),
    ("trade_mode", "监管方式"),
    ("licence_no", "许可证号"),
    ("trading_country", "贸易国(地区)"),
    ("arrival_country", "运抵国(地区)"),
    ("destination_country", "最终目的国(地区)"),
    ("destination_port", "指运港"),
    ("exit_port", "离境口岸"),
    ("customs_office", "出境关别"),
    ("incoterm", "成交方式"),
    ("packages", "件数"),
    ("gross_kg", "毛重(千克)"),
    ("net_kg", "净重(千克)"),
    ("hs_code", "商品编号"),
    ("description", "商品名称"),
    ("specs", "规格型号"),
    ("quantity", "数量"),
    ("unit", "单位"),
    ("total_value", "总价"),
    ("currency", "币制"),
    ("origin_country", "原产国(地区)"),
    ("source_region", "境内货源地"),
    ("remarks", "备注"),
)
HEADER_OF = dict(HEADERS)

COLUMNS = (
    "decl", "line", "day", "export_day", "exporter", "exporter_name", "exporter_uscc", "producer", "agent",
    "consignee", "consignee_name", "mode", "trade_mode", "office", "exit_port", "dest_port", "conveyance",
    "licence", "trading", "arrival", "destination", "incoterm", "currency", "packages", "gross", "net", "good",
    "true_good", "spec", "value", "source", "remarks",
)  # fmt: skip
DTYPES = {
    "decl": np.int64, "line": np.int16, "day": np.int32, "export_day": np.int32, "mode": np.int8,
    "trade_mode": np.int8, "office": np.int16, "trading": np.int16, "arrival": np.int16, "destination": np.int16,
    "incoterm": np.int8, "currency": np.int8, "packages": np.int64, "gross": np.float64, "net": np.float64,
    "good": np.int16, "true_good": np.int16, "value": np.float64,
}  # fmt: skip
BAD_KINDS = ("hs_code", "declaration_date", "consignee_name", "net_kg")
BAD_VALUES = {  # cycled through at the bad-row positions; consignee_name becomes empty
    "hs_code": ("8110101", "81101O1000", "0000000000"),
    "declaration_date": ("2024-02-30", "2023-13-05", "2025-04-31", "2024-00-12"),
    "net_kg": ("约500", "N/A", "五百", "12,5"),
}


def planted_columns(
    ctx: Context, fa: FirmArrays, decls: list[PDecl], first_key: int
) -> dict[str, np.ndarray]:
    """The planted declarations in the background's column layout (keys from ``first_key``)."""
    v, rng, pools, s, world = ctx.vocab, ctx.rng, ctx.pools, ctx.strings, ctx.world
    out: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    tm_keys = list(v.raw["trade_modes"])
    inco = list(v.raw["incoterms"])
    ree = v.controls["ree"]
    rem = v.raw["remarks"]
    for n, d in enumerate(decls):
        d.key = first_key + n
        ex, co = world.firms[d.exporter], world.firms[d.consignee]
        dest_iso = d.destination or co.country
        dest = v.country[dest_iso].index
        office = office_for(v, ex, d.mode, dest_iso)
        k = int(rng.integers(2))
        conv = -1 if d.mode == POST else int(rng.integers(len(pools.conv_ids[d.mode])))
        if d.consignee_name:
            consignee_name = s.id(d.consignee_name)
        else:
            forms = co.decl_names
            weights = np.array([w for _, w in forms])
            consignee_name = s.id(forms[int(rng.choice(len(forms), p=weights / weights.sum()))][0])
        header = {
            "decl": d.key,
            "day": d.day,
            "export_day": min(d.day + int(rng.integers(0, 4)), v.period_days - 1),
            "exporter": ex.idx,
            "exporter_name": s.id(d.exporter_name or ex.decl_names[0][0]),
            "exporter_uscc": s.id(ex.uscc) if ex.uscc else -1,
            "producer": d.producer if d.producer is not None else ex.idx,
            "agent": d.agent if d.agent is not None else ctx.agents(ex.idx)[0],
            "consignee": co.idx,
            "consignee_name": consignee_name,
            "mode": d.mode,
            "trade_mode": tm_keys.index(d.trade_mode),
            "office": office,
            "exit_port": int(pools.exit_ids[office, d.mode, k]),
            "dest_port": int(pools.dest_ids[dest, d.mode, k]),
            "conveyance": conv,
            "trading": v.country[d.trading or dest_iso].index,
            "arrival": v.country[d.arrival or dest_iso].index,
            "destination": dest,
            "incoterm": inco.index(d.incoterm),
            "currency": CURRENCIES.index(d.currency),
        }
        fx = v.fx_rate(d.currency, date_of(d.day).year)
        for ln, line in enumerate(d.lines, start=1):
            g = v.good[line.good]
            producer = int(header["producer"])
            packages = 1 if d.mode == POST else max(1, round(line.net / g.pack))
            gross = round(line.net * float(rng.uniform(*g.gross)), 2)
            remarks = -1
            if line.remarks:
                remarks = s.id(line.remarks)
            elif g.family == "ree" and d.day >= ree.start:
                if not g.controlled:
                    remarks = s.id(rem["not_controlled"])
                elif line.licence >= 0:
                    remarks = s.id(rem["controlled"])
            row = dict(header)
            row.update(
                {
                    "line": ln,
                    "licence": line.licence,
                    "packages": packages,
                    "gross": max(gross, line.net),
                    "net": line.net,
                    "good": g.index,
                    "true_good": v.good[line.true_good or line.good].index,
                    "spec": s.id(line.spec)
                    if line.spec
                    else int(pools.spec_ids[g.index, rng.integers(SPECS_PER_GOOD)]),
                    "value": round(line.net * line.unit_usd / fx, 2),
                    "source": int(fa.region_id[producer]),
                    "remarks": remarks,
                }
            )
            for c in COLUMNS:
                out[c].append(row[c])
    return {c: np.array(out[c], dtype=DTYPES.get(c, np.int32)) for c in COLUMNS}


@dataclass
class Assembled:
    """The rendered declarations table plus what the ground truth and the B/L writer need."""

    table: pa.Table | None  # None once written
    cols: dict[str, np.ndarray]  # internal columns, in file order
    decl_starts: np.ndarray  # first row of each declaration
    decl_of_key: np.ndarray  # declaration index of each internal key
    decl_no: pa.Array  # per declaration
    bl_no: pa.Array  # per declaration (null for none)
    bad_rows: list[dict[str, Any]] = field(default_factory=list)
    invalid_usccs: list[dict[str, Any]] = field(default_factory=list)


def assemble(
    ctx: Context, fa: FirmArrays, cols: dict[str, np.ndarray], planted_from: int, encoding: str = "utf-8"
) -> Assembled:
    """Sort, number and render all lines; text columns come out already encoded in ``encoding``."""
    v, rng = ctx.vocab, ctx.rng
    n_keys = int(cols["decl"].max()) + 1
    tiebreak = rng.permutation(n_keys)
    order = np.lexsort((cols["line"], tiebreak[cols["decl"]], cols["day"]))
    cols = {k: a[order] for k, a in cols.items()}
    n = len(order)
    first = np.empty(n, dtype=bool)
    first[0] = True
    first[1:] = cols["decl"][1:] != cols["decl"][:-1]
    starts = np.nonzero(first)[0]
    n_decl = len(starts)
    decl_index = np.cumsum(first) - 1
    decl_of_key = np.full(n_keys, -1, dtype=np.int64)
    decl_of_key[cols["decl"][starts]] = np.arange(n_decl)

    # declaration numbers: office (4) + year (4) + 0 (export) + serial (9) per office and year
    d_day = cols["day"][starts]
    years = np.array([date_of(d).year for d in range(v.period_days)])
    d_year = years[d_day]
    d_office = cols["office"][starts].astype(np.int64)
    group = d_office * 10 + (d_year - YEARS[0])
    gorder = np.argsort(group, kind="stable")
    gaps = rng.integers(1, 40, n_decl)[gorder]
    cum = np.cumsum(gaps)
    seg_start = np.empty(n_decl, dtype=bool)
    seg_start[0] = True
    seg_start[1:] = group[gorder][1:] != group[gorder][:-1]
    seg = np.cumsum(seg_start) - 1
    base = rng.integers(100_000_000, 400_000_000, seg_start.sum())
    serial = np.empty(n_decl, dtype=np.int64)
    serial[gorder] = cum - (cum[seg_start] - gaps[seg_start])[seg] + base[seg]
    office_code = np.array([int(o.code) for o in v.offices], dtype=np.int64)
    number = office_code[d_office] * 10**14 + d_year.astype(np.int64) * 10**10 + serial
    decl_no = idgen.zfill(number, 18)

    bl_no = _transport_numbers(ctx, cols, starts)
    table = _render(
        ctx, fa, cols, decl_no.take(pa.array(decl_index)), bl_no.take(pa.array(decl_index)), encoding
    )
    out = Assembled(table, cols, starts, decl_of_key, decl_no, bl_no)
    planted_row = cols["decl"] >= planted_from
    _spoil(out, planted_row, encoding)
    out.table = out.table.rename_columns([HEADER_OF[name] for name in out.table.column_names])
    return out


def _transport_numbers(ctx: Context, cols: dict[str, np.ndarray], starts: np.ndarray) -> pa.Array:
    """提运单号 per declaration: B/L (sea), air waybill, road/rail manifest or mail item number."""
    v, pools = ctx.vocab, ctx.pools
    n = len(starts)
    mode = cols["mode"][starts]
    conv = cols["conveyance"][starts]
    index = np.arange(n, dtype=np.int64)
    parts = []
    scac = [c[0] for c in v.raw["carriers"]]
    prefixes = [a[0] for a in v.raw["airlines"]]
    for m in range(len(MODES)):
        sel = np.nonzero(mode == m)[0]
        if not len(sel):
            continue
        serial = idgen.permuted(index[sel], 10**10, 918_273_645 + m)
        if m == SEA:
            carrier = pools.conv_carrier[SEA][conv[sel]]
            text = pc.binary_join_element_wise(
                pa.array(scac).take(pa.array(carrier)), idgen.zfill(serial, 10), ""
            )
        elif m == AIR:
            airline = pools.conv_carrier[AIR][conv[sel]]
            text = idgen.awb_numbers(prefixes, airline, serial % 10**7)
        elif m == POST:
            text = idgen.s10_numbers("EA", serial % 10**8)
        else:
            prefix = "RW" if m == ROAD else "CR"
            text = pc.binary_join_element_wise(pa.scalar(prefix), idgen.zfill(serial % 10**9, 9), "")
        parts.append((sel, text))
    positions = np.concatenate([sel for sel, _ in parts])
    values = pa.concat_arrays([t.cast(pa.string()) for _, t in parts])
    inverse = np.empty(n, dtype=np.int64)
    inverse[positions] = np.arange(n)
    return values.take(pa.array(inverse))


def encoded(texts: list[str], encoding: str) -> pa.Array:
    """Strings as an Arrow string array holding ``encoding`` bytes (see Strings)."""
    if encoding == "utf-8":
        return pa.array(texts, type=pa.string())
    return pa.array([t.encode(encoding) if t is not None else None for t in texts], type=pa.binary()).view(
        pa.string()
    )


def _date_tables(ctx: Context, encoding: str) -> dict[str, pa.Array]:
    t = ctx.vocab.period_days + 40
    days = np.datetime64("2023-01-01") + np.arange(t)
    iso = np.datetime_as_string(days, unit="D")
    dates = [date_of(d) for d in range(t)]
    return {
        "iso": pa.array(iso),
        "slash": pa.array([f"{d.year}/{d.month}/{d.day}" for d in dates]),
        "compact": pa.array([d.strftime("%Y%m%d") for d in dates]),
        "chinese": encoded([f"{d.year}年{d.month}月{d.day}日" for d in dates], encoding),
    }


def _render(
    ctx: Context,
    fa: FirmArrays,
    cols: dict[str, np.ndarray],
    decl_no: pa.Array,
    bl_no: pa.Array,
    encoding: str,
) -> pa.Table:
    v, rng, pools, world = ctx.vocab, ctx.rng, ctx.pools, ctx.world
    s = ctx.strings
    n = len(cols["decl"])
    dates = _date_tables(ctx, encoding)

    def text_of(ids: np.ndarray) -> pa.Array:
        return s.arrow(ids, encoding)

    fmt = rng.choice(4, size=n, p=[0.982, 0.01, 0.006, 0.002])
    day = pa.array(cols["day"])
    decl_date = dates["iso"].take(day)
    for k, name in ((1, "slash"), (2, "compact"), (3, "chinese")):
        mask = fmt == k
        if mask.any():
            decl_date = pc.replace_with_mask(
                decl_date, pa.array(mask), dates[name].take(pa.array(cols["day"][mask]))
            )
    firms = world.firms
    canon = np.array([s.id(f.name) for f in firms], dtype=np.int32)
    uscc = np.array([s.id(f.uscc) if f.uscc else -1 for f in firms], dtype=np.int32)
    country_zh = s.ids([c.zh for c in v.countries])
    mode_names = s.ids([v.raw["mode_names"][m] for m in MODES])
    trade_modes = s.ids(list(v.raw["trade_modes"].values()))
    incoterms = s.ids(list(v.raw["incoterms"]))
    currencies = s.ids([v.raw["currency_names"][c] for c in CURRENCIES])
    offices = s.ids([o.zh for o in v.offices])
    hs = s.ids([g.hs for g in v.goods])
    zh = s.ids([g.zh for g in v.goods])
    licence_ids = (
        s.ids([lic.number for lic in pools.licences]) if pools.licences else np.zeros(1, dtype=np.int32)
    )
    unit_id, origin_id = s.id("千克"), s.id("中国")
    lic = cols["licence"]
    conv = np.full(n, -1, dtype=np.int32)
    for m in range(len(MODES)):
        sel = (cols["mode"] == m) & (cols["conveyance"] >= 0)
        if sel.any() and m != POST:
            conv[sel] = pools.conv_ids[m][cols["conveyance"][sel]]
    text = {
        "declaration_no": decl_no,
        "line_no": pa.array(cols["line"]),
        "declaration_date": decl_date,
        "export_date": dates["iso"].take(pa.array(cols["export_day"])),
        "exporter_name": text_of(cols["exporter_name"]),
        "exporter_uscc": text_of(cols["exporter_uscc"]),
        "producer_name": text_of(canon[cols["producer"]]),
        "producer_uscc": text_of(uscc[cols["producer"]]),
        "consignee_name": text_of(cols["consignee_name"]),
        "agent_name": text_of(canon[cols["agent"]]),
        "agent_uscc": text_of(uscc[cols["agent"]]),
        "transport_mode": text_of(mode_names[cols["mode"]]),
        "conveyance": text_of(conv),
        "bl_no": bl_no,
        "trade_mode": text_of(trade_modes[cols["trade_mode"]]),
        "licence_no": text_of(np.where(lic >= 0, licence_ids[np.maximum(lic, 0)], -1)),
        "trading_country": text_of(country_zh[cols["trading"]]),
        "arrival_country": text_of(country_zh[cols["arrival"]]),
        "destination_country": text_of(country_zh[cols["destination"]]),
        "destination_port": text_of(cols["dest_port"]),
        "exit_port": text_of(cols["exit_port"]),
        "customs_office": text_of(offices[cols["office"]]),
        "incoterm": text_of(incoterms[cols["incoterm"]]),
        "packages": pa.array(cols["packages"]),
        "gross_kg": pa.array(cols["gross"]),
        "net_kg": pa.array(cols["net"]),
        "hs_code": text_of(hs[cols["good"]]),
        "description": text_of(zh[cols["good"]]),
        "specs": text_of(cols["spec"]),
        "quantity": pa.array(cols["net"]),
        "unit": text_of(np.full(n, unit_id, dtype=np.int32)),
        "total_value": pa.array(cols["value"]),
        "currency": text_of(currencies[cols["currency"]]),
        "origin_country": text_of(np.full(n, origin_id, dtype=np.int32)),
        "source_region": text_of(cols["source"]),
        "remarks": text_of(cols["remarks"]),
    }
    return pa.table({name: text[name] for name, _ in HEADERS})


def _spoil(out: Assembled, planted_row: np.ndarray, encoding: str) -> None:
    """Deliberately invalid rows at fixed positions (about 0.05 %), and a few wrong USCC check characters."""
    table = out.table
    n = table.num_rows
    free = np.nonzero(~planted_row)[0]
    n_bad = max(len(BAD_KINDS), round(n * 0.0005))
    targets = np.linspace(0.01 * n, 0.99 * n, n_bad).astype(np.int64)
    rows = np.unique(free[np.minimum(np.searchsorted(free, targets), len(free) - 1)])
    replace: dict[str, dict[int, str | None]] = {k: {} for k in BAD_KINDS}
    for j, row in enumerate(rows):
        kind = BAD_KINDS[j % len(BAD_KINDS)]
        value: str | None
        reason = {
            "hs_code": "invalid HS code",
            "declaration_date": "impossible date",
            "consignee_name": "missing required consignee",
            "net_kg": "non-numeric weight",
        }[kind]
        options = BAD_VALUES.get(kind)
        value = options[j // len(BAD_KINDS) % len(options)] if options else None
        replace[kind][int(row)] = value
        out.bad_rows.append(
            {
                "file": "declarations.csv",
                "row": int(row) + 1,
                "line": int(row) + 2,
                "declaration_no": table["declaration_no"][int(row)].as_py(),
                "line_no": int(table["line_no"][int(row)].as_py()),
                "field": kind,
                "header": HEADER_OF[kind],
                "value": value,
                "original": _cell(table, kind, int(row), encoding),
                "reason": reason,
            }
        )
    columns = {name: _single(table[name]) for name in table.column_names}
    columns["net_kg"] = columns["net_kg"].cast(pa.string())
    for kind, cells in replace.items():
        columns[kind] = _patch(columns[kind], cells, encoding)

    # wrong check characters: every line of a few declarations
    bad = set(rows.tolist())
    n_inv = max(3, round(n * 0.0002))
    spots = np.linspace(0.03 * n, 0.97 * n, n_inv).astype(np.int64)
    candidates = [int(free[min(int(np.searchsorted(free, x)), len(free) - 1)]) for x in spots]
    candidates = [r for r in dict.fromkeys(candidates) if r not in bad]
    step = 1
    uscc_cells: dict[int, str | None] = {}
    for r in candidates[::step][:n_inv]:
        d = int(np.searchsorted(out.decl_starts, r, side="right") - 1)
        first = int(out.decl_starts[d])
        last = int(out.decl_starts[d + 1]) if d + 1 < len(out.decl_starts) else n
        original = _cell(table, "exporter_uscc", first, encoding)
        if not original or any(first <= b < last for b in bad):
            continue
        wrong = idgen.corrupt_uscc(original)
        for row in range(first, last):
            uscc_cells[row] = wrong
        out.invalid_usccs.append(
            {
                "file": "declarations.csv",
                "rows": [row + 1 for row in range(first, last)],
                "declaration_no": columns["declaration_no"][first].as_py(),
                "field": "exporter_uscc",
                "value": wrong,
                "valid_code": original,
            }
        )
    columns["exporter_uscc"] = _patch(columns["exporter_uscc"], uscc_cells, encoding)
    out.table = pa.table(columns)


def _single(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _cell(table: pa.Table, name: str, row: int, encoding: str) -> str | None:
    """One cell as text, whatever encoding the column's bytes are in."""
    column = _single(table[name])
    if pa.types.is_string(column.type):
        raw = column.view(pa.binary())[row].as_py()
        return None if raw is None else raw.decode(encoding)
    value = column[row].as_py()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None if value is None else str(value)


def _patch(arr: pa.Array, cells: dict[int, str | None], encoding: str) -> pa.Array:
    """``arr`` with some cells replaced (None: empty), by one take over the array and the replacements."""
    if not cells:
        return arr
    idx = np.array(sorted(cells), dtype=np.int64)
    replacement = encoded([cells[int(i)] for i in idx], encoding)  # type: ignore[misc]
    merged = pa.concat_arrays([arr, replacement])
    take = np.arange(len(arr), dtype=np.int64)
    take[idx] = len(arr) + np.arange(len(idx))
    return merged.take(pa.array(take))


__all__ = ["AIR", "HEADERS", "RAIL", "ROAD", "SEA", "Assembled", "assemble", "planted_columns"]
