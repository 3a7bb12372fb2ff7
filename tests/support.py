"""Small builders for test inputs: source files written the way real exports write them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

CN_HEADERS = [
    "报关单号",
    "项号",
    "申报日期",
    "境内发货人",
    "境内发货人统一社会信用代码",
    "生产销售单位",
    "境外收货人",
    "申报单位",
    "运输方式",
    "提运单号",
    "监管方式",
    "许可证号",
    "贸易国(地区)",
    "运抵国(地区)",
    "最终目的国(地区)",
    "指运港",
    "离境口岸",
    "件数",
    "毛重(千克)",
    "净重(千克)",
    "商品编号",
    "商品名称",
    "规格型号",
    "数量",
    "单位",
    "总价",
    "币制",
]

EXPORTER = "宁波恒达稀有金属有限公司"
EXPORTER_USCC = "91350100M000100Y43"


def cn_row(**overrides: str) -> dict[str, str]:
    """One plausible declaration line: antimony ingots to Thailand, overridable per field."""
    row = {
        "报关单号": "310420240000012345",
        "项号": "1",
        "申报日期": "2024-10-08",
        "境内发货人": EXPORTER,
        "境内发货人统一社会信用代码": EXPORTER_USCC,
        "生产销售单位": "湖南锑都冶炼有限公司",
        "境外收货人": "Apex Alloys Trading Co., Ltd",
        "申报单位": "宁波甬港报关有限公司",
        "运输方式": "水路运输",
        "提运单号": "COSU6123456780",
        "监管方式": "一般贸易",
        "许可证号": "",
        "贸易国(地区)": "泰国",
        "运抵国(地区)": "泰国",
        "最终目的国(地区)": "美国",
        "指运港": "林查班",
        "离境口岸": "北仑",
        "件数": "20",
        "毛重(千克)": "20400",
        "净重(千克)": "20000",
        "商品编号": "8110101000",
        "商品名称": "锑锭",
        "规格型号": "用途:工业用|成分:Sb 99.65%",
        "数量": "20000",
        "单位": "千克",
        "总价": "500000",
        "币制": "美元",
    }
    row.update(overrides)
    return row


def write_csv(
    path: Path, rows: list[dict[str, str]], headers: list[str] | None = None, encoding: str = "utf-8"
) -> Path:
    headers = headers or list(dict.fromkeys(k for row in rows for k in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({h: row.get(h, "") for h in headers})
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def declaration_file(path: Path, n: int = 3, encoding: str = "utf-8") -> Path:
    rows = [
        cn_row(**{"报关单号": f"3104202400000{10000 + i}", "提运单号": f"COSU{6000000 + i}"})
        for i in range(n)
    ]
    return write_csv(path, rows, CN_HEADERS, encoding)


def users_config(path: Path, users: dict[str, tuple[str, str]], first_lines: tuple[str, ...] = ()) -> Path:
    """A graphtool.toml whose ``[users]`` are ``name -> (role, password)``, passwords stored hashed."""
    from graphtool.access import hash_password

    lines = list(first_lines)
    for name, (role, password) in users.items():
        lines += [f"[users.{name}]", f'role = "{role}"', f'password_hash = "{hash_password(password)}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def use_app(monkeypatch, workspace: Path, config: Path) -> None:
    """Point the app (AppTest, or a server started from this process) at a workspace and a config:
    embedded backend, English."""
    monkeypatch.setenv("GRAPHTOOL_WORKSPACE", str(workspace))
    monkeypatch.setenv("GRAPHTOOL_CONFIG", str(config))
    monkeypatch.setenv("GRAPHTOOL_LANG", "en")
    monkeypatch.delenv("NEO4J_URI", raising=False)
