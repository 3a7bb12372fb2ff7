"""Runs the detectors listed in ``rules.yaml`` on either backend and turns findings into alerts.

Each rule is one module in ``graphtool/alerts/rules/`` (embedded SQL over the workspace plus the
shared logic that groups rows into findings) and one Cypher file in ``queries/alerts/``; both
return the same rows, so the alerts are the same whichever backend produced them. The rules are
discovered from ``rules.yaml``: adding a rule is one module, one Cypher file and one entry there.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import yaml

from graphtool.alerts.model import Alert, Fact, ranked, to_alert
from graphtool.errors import GraphtoolError
from graphtool.workspace import Workspace

RULES_FILE = "rules.yaml"
QUERY_DIR = Path(__file__).resolve().parents[2] / "queries" / "alerts"
QUERY_TIMEOUT = 60.0  # seconds per Cypher rule


class AlertError(GraphtoolError):
    """A rule definition or an alert request is invalid; the message names the rule or alert."""


@dataclass(frozen=True)
class RuleSpec:
    name: str
    typology: str
    description: str
    indicators: dict[str, str]  # DOMAIN.md code -> what it means here
    weights: dict[str, float]  # indicator -> weight in the combined score
    min_score: float
    params: dict[str, Any]
    source: str  # "graph": per backend; "workspace": tables that are not pushed to Neo4j

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(f"graphtool.alerts.rules.{self.name}")

    @property
    def cypher_file(self) -> Path:
        return QUERY_DIR / f"{self.name}.cypher"


def _spec(name: str, entry: Any, shared: dict[str, Any]) -> RuleSpec:
    where = f"{RULES_FILE}, rule {name}"
    if not isinstance(entry, dict):
        raise AlertError(f"{where}: expected a mapping")
    required = {"typology", "description", "indicators", "weights", "min_score", "params"}
    if missing := required - set(entry):
        raise AlertError(f"{where}: missing keys {sorted(missing)}")
    if unknown := set(entry) - required - {"source"}:
        raise AlertError(f"{where}: unknown keys {sorted(unknown)}")
    weights = entry["weights"]
    if not isinstance(weights, dict) or not all(0 <= float(w) <= 1 for w in weights.values()):
        raise AlertError(f"{where}: weights must map indicators to numbers between 0 and 1")
    if set(weights) - set(entry["indicators"]):
        raise AlertError(
            f"{where}: weights for indicators not listed: {sorted(set(weights) - set(entry['indicators']))}"
        )
    source = entry.get("source", "graph")
    if source not in ("graph", "workspace"):
        raise AlertError(f"{where}: source must be graph or workspace, got {source!r}")
    return RuleSpec(
        name=name,
        typology=str(entry["typology"]),
        description=str(entry["description"]).strip(),
        indicators={str(k): str(v) for k, v in entry["indicators"].items()},
        weights={str(k): float(v) for k, v in weights.items()},
        min_score=float(entry["min_score"]),
        params={**shared, **(entry["params"] or {})},
        source=source,
    )


@cache
def rule_specs() -> dict[str, RuleSpec]:
    """The rules of ``rules.yaml`` in file order, validated, with their modules importable."""
    data = yaml.safe_load(
        resources.files("graphtool.alerts").joinpath(RULES_FILE).read_text(encoding="utf-8")
    )
    if not isinstance(data, dict) or not isinstance(data.get("rules"), dict):
        raise AlertError(f"{RULES_FILE}: expected a mapping 'rules: {{name: {{...}}}}'")
    shared = data.get("shared") or {}
    specs = {name: _spec(name, entry, shared) for name, entry in data["rules"].items()}
    for spec in specs.values():
        try:
            spec.module  # noqa: B018 - import now, so a missing module is reported by rule name
        except ModuleNotFoundError as exc:
            raise AlertError(
                f"{RULES_FILE}, rule {spec.name}: no module graphtool/alerts/rules/{spec.name}.py"
            ) from exc
    return specs


def select(rules: list[str] | None) -> list[RuleSpec]:
    specs = rule_specs()
    if not rules:
        return list(specs.values())
    if unknown := [r for r in rules if r not in specs]:
        raise AlertError(f"unknown rule(s) {', '.join(unknown)}; rules: {', '.join(specs)}")
    return [specs[r] for r in rules]


class RowSource(Protocol):
    """Where a rule's rows come from: the workspace (SQL) or Neo4j (Cypher)."""

    name: str

    def rows(self, ws: Workspace, spec: RuleSpec, params: dict[str, Any]) -> list[dict[str, Any]]: ...


class Embedded:
    name = "embedded"

    def rows(self, ws: Workspace, spec: RuleSpec, params: dict[str, Any]) -> list[dict[str, Any]]:
        return spec.module.rows(ws, params)


@dataclass
class Neo4jSource:
    """Runs each rule's Cypher file with its parameters, read-only, with a time limit."""

    driver: Any  # neo4j.Driver
    database: str = "neo4j"
    timeout: float = QUERY_TIMEOUT
    name: str = "neo4j"

    def rows(self, ws: Workspace, spec: RuleSpec, params: dict[str, Any]) -> list[dict[str, Any]]:
        if spec.source == "workspace":
            return spec.module.rows(ws, params)
        import neo4j

        if not spec.cypher_file.exists():
            raise AlertError(f"rule {spec.name}: no Cypher file {spec.cypher_file}")
        text = spec.cypher_file.read_text(encoding="utf-8")

        @neo4j.unit_of_work(timeout=self.timeout)
        def read(tx: neo4j.ManagedTransaction) -> list[neo4j.Record]:
            return list(tx.run(text, _cypher_values(params)))

        # notifications off: a relationship type the graph has no instance of yet (SAME_AS) is no problem
        with self.driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS, notifications_min_severity="OFF"
        ) as session:
            records = session.execute_read(read)
        return [{k: _native(v) for k, v in record.items()} for record in records]


def _cypher_values(value: Any) -> Any:
    """Parameters as Neo4j takes them (tuples as lists)."""
    if isinstance(value, dict):
        return {k: _cypher_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_cypher_values(v) for v in value]
    return value


def _native(value: Any) -> Any:
    """Neo4j temporal values as Python dates; lists and maps element-wise."""
    if isinstance(value, list):
        return [_native(v) for v in value]
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native else value


def rule_params(ws: Workspace, spec: RuleSpec) -> dict[str, Any]:
    """The rule's parameters from rules.yaml plus the reference data it asks for (control codes from
    controls.yaml, screening hits from the workspace): the same values on both backends."""
    extra = getattr(spec.module, "reference", None)
    return {**spec.params, **(extra(ws, spec.params) if extra else {})}


def detect(
    ws: Workspace, spec: RuleSpec, source: RowSource, earlier: list[Alert] | None = None
) -> list[Alert]:
    """One rule's alerts. Rules that build on other rules' alerts (``USES_ALERTS`` in the module: the
    network rules) get the declarations and entities of ``earlier`` alerts, or else of the stored ones."""
    params = rule_params(ws, spec)
    if getattr(spec.module, "USES_ALERTS", False):
        from graphtool.alerts import store

        others = [a for a in (earlier if earlier else store.query(ws)) if a.rule != spec.name]
        params["flagged"] = sorted({d for a in others for d in a.declarations})
        params["flagged_entities"] = sorted({e for a in others for e in a.entities})
    findings = spec.module.findings(source.rows(ws, spec, params), params)
    alerts = [to_alert(spec.name, f, spec.weights) for f in findings]
    provenance = _provenance_index(ws)
    for alert in alerts:
        alert.facts = [_resolve(f, provenance) for f in alert.facts]
    return [a for a in alerts if a.score >= spec.min_score]


def run(ws: Workspace, rules: list[str] | None = None, source: RowSource | None = None) -> list[Alert]:
    """Every selected rule's alerts, ranked (not stored; see ``graphtool.alerts.run_alerts``)."""
    source = source or Embedded()
    alerts: list[Alert] = []
    for spec in select(rules):
        alerts += detect(ws, spec, source, alerts)
    return ranked(alerts)


def _provenance_index(ws: Workspace) -> dict[Any, tuple[int, str]]:
    """file_id -> (file_id, file name)."""
    rows = ws.con.execute("SELECT file_id, name FROM source_files").fetchall()
    return {file_id: (file_id, name) for file_id, name in rows}


def _resolve(fact: Fact, index: dict[Any, tuple[int, str]]) -> Fact:
    """A fact's source (the file_id a rule read, on either backend) as file_id and file name."""
    if fact.file is None and fact.file_id is None:
        return fact
    file_id, name = index.get(fact.file_id if fact.file_id is not None else fact.file, (None, None))
    return replace(fact, file_id=file_id, file=name)
