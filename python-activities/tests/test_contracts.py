"""The dataclasses in activities/contracts.py and specs/activity-contracts.schema.json agree."""

from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path

import pytest
from temporalio import activity
from temporalio.converter import DataConverter

from activities import ACTIVITIES
from activities import contracts as c
from activities.errors import ERROR_TYPES

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "specs" / "activity-contracts.schema.json").read_text())
DEFS = SCHEMA["$defs"]
CLASSES = {name: getattr(c, name) for name in DEFS if dataclasses.is_dataclass(getattr(c, name, None))}
JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array"}


def expected(hint: typing.Any) -> tuple[set, bool, typing.Any]:
    """(JSON types or $defs name, nullable, enum values) of a Python annotation."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    nullable = origin is typing.Union and type(None) in args
    if nullable:
        hint = [a for a in args if a is not type(None)][0]
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        return set(), nullable, set(args)
    if dataclasses.is_dataclass(hint):
        return {hint.__name__}, nullable, None
    return {JSON_TYPES[origin or hint]}, nullable, None


def actual(prop: dict) -> tuple[set, bool, typing.Any]:
    """Same triple read from a schema property."""
    if "anyOf" in prop:
        refs = {p["$ref"].rsplit("/", 1)[1] for p in prop["anyOf"] if "$ref" in p}
        return refs, any(p.get("type") == "null" for p in prop["anyOf"]), None
    if "$ref" in prop:
        return {prop["$ref"].rsplit("/", 1)[1]}, False, None
    if "enum" in prop:
        vals = set(prop["enum"])
        return set(), None in vals, vals - {None}
    types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    return set(types) - {"null"}, "null" in types, None


def test_every_contract_class_is_in_the_schema():
    names = {n for n, o in vars(c).items() if dataclasses.is_dataclass(o) and isinstance(o, type)}
    assert names == set(CLASSES)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_fields_match_schema(name):
    cls, schema = CLASSES[name], DEFS[name]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(fields), "field names differ"
    required = {n for n, f in fields.items() if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    assert set(schema["required"]) == required, "required vs optional differ"
    hints = typing.get_type_hints(cls)
    for n in fields:
        assert actual(schema["properties"][n]) == expected(hints[n]), f"{name}.{n} type differs"
        if hints[n] in (list[str],):
            assert schema["properties"][n]["items"] == {"type": "string"}


def test_activity_names_and_io_types():
    table = DEFS["Activities"]["const"]
    registered = {activity._Definition.must_from_callable(fn).name: fn for fn in ACTIVITIES}
    assert set(table) == set(registered) == {"preflight_model", "finetune", "predict", "merge", "export_onnx", "quantize_onnx", "benchmark_python"}
    for name, fn in registered.items():
        hints = typing.get_type_hints(fn)
        arg = [v for k, v in hints.items() if k != "return"]
        assert [a.__name__ for a in arg] == [table[name]["input"]]  # one dataclass argument
        assert hints["return"].__name__ == table[name]["output"]
    assert DEFS["ActivityErrorType"]["enum"] == ERROR_TYPES


def test_wire_format_is_snake_case_json_of_the_schema():
    """What temporalio's default converter puts on the wire has exactly the schema's keys."""
    conv = DataConverter.default.payload_converter
    model = c.ModelConfig(model_name="tiny", source="tiny", tiny=c.TinyModelConfig())
    inp = c.FinetuneInput(run_dir="/r", attempt_dir="/r/a", model_path="/r/m", model=model, lora=c.LoraConfig(),
                          training=c.TrainingConfig(), train_path="/t", val_path="/v")
    doc = json.loads(conv.to_payloads([inp])[0].data)
    assert set(doc) == set(DEFS["FinetuneInput"]["properties"])
    assert set(doc["training"]) == set(DEFS["TrainingConfig"]["properties"])
    assert set(doc["model"]["tiny"]) == set(DEFS["TinyModelConfig"]["properties"])
    # and back: a JSON object from TypeScript with only the required fields decodes with defaults
    minimal = {"run_dir": "/r", "attempt_dir": "/r/a", "model_path": "m", "model": {"model_name": "x"}, "lora": {},
               "training": {"learning_rate": 1}, "train_path": "/t", "val_path": "/v"}
    back = conv.from_payloads(conv.to_payloads([minimal]), [c.FinetuneInput])[0]
    assert back.model.source == "hub" and back.training.learning_rate == 1.0 and back.lora.lora_target_modules == ["all-linear"]
