"""Benchmark stage (Python side) on the tiny model: PyTorch fp32 and onnxruntime-genai on an INT4 export
of the same weights, the same prompt ids, exactly the asked number of new tokens, figures that add up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from activities.benchmark import onnx_bytes_read_per_token, run_benchmark
from activities.contracts import BenchmarkInput, BenchVariant
from activities.errors import ModelNotFound


@pytest.fixture(scope="module")
def int4_variant(tiny_run: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> str:
    """The tiny model exported by the onnxruntime-genai builder to INT4 (block 32, accuracy level 4)."""
    out = tmp_path_factory.mktemp("onnx") / "int4"
    subprocess.run([sys.executable, "-m", "onnxruntime_genai.models.builder", "-i", tiny_run["model_path"], "-o", str(out),
                    "-p", "int4", "-e", "cpu", "--extra_options", "windowed_kv_cache=false", "block_size=32", "accuracy_level=4"],
                   check=True, capture_output=True)
    return str(out)


def test_benchmark_times_every_engine_on_the_same_prompts(tiny_run: dict[str, str], int4_variant: str) -> None:
    out = run_benchmark(BenchmarkInput(run_dir=tiny_run["run_dir"], merged_dir=tiny_run["model_path"], cases_path=tiny_run["cases"],
                                       out_dir="bench", variants=[BenchVariant("int4", int4_variant)], num_prompts=2,
                                       new_tokens=8, warmup_runs=1, runs=1, threads=1))
    assert [(r.engine, r.variant) for r in out.results] == [("pytorch", "fp32"), ("ort-genai", "int4")]
    prompts = json.loads(Path(out.prompts_path).read_text())
    assert len(prompts["prompts"]) == 2 and all(len(p) > 3 for p in prompts["prompts"])
    for r in out.results:
        assert r.requests == 2 and r.min_tokens_produced == 8
        assert 0 < r.ttft_ms_p50 <= r.latency_ms_p50 <= r.latency_ms_p95
        assert r.decode_tokens_per_s and r.decode_tokens_per_s > 0 and r.peak_rss_bytes > 10 << 20
        assert r.roofline_fraction == pytest.approx(r.decode_tokens_per_s * r.bytes_read_per_token / out.read_bandwidth_bytes_per_s, abs=1e-4)
    torch_fp32, int4 = out.results
    # INT4 weights: about a seventh of fp32's bytes per decoded token (scales and the fp32 norms remain).
    assert int4.bytes_read_per_token < torch_fp32.bytes_read_per_token / 3
    assert out.host.threads == 1 and out.host.hostname
    assert json.loads(Path(out.results_path).read_text())["results"][1]["variant"] == "int4"


def test_bytes_read_per_token_skips_the_embedding_lookup(int4_variant: str) -> None:
    import onnx

    graph = onnx.load(str(Path(int4_variant) / "model.onnx"), load_external_data=False).graph
    gathered = {i for n in graph.node if n.op_type in ("Gather", "GatherBlockQuantized") for i in n.input}
    assert gathered, "the export has an embedding lookup"
    assert onnx_bytes_read_per_token(int4_variant) < sum(Path(int4_variant, f).stat().st_size for f in ("model.onnx.data",))


def test_missing_variant_is_a_typed_error(tiny_run: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="no genai_config.json"):
        run_benchmark(BenchmarkInput(run_dir=tiny_run["run_dir"], merged_dir=tiny_run["model_path"], cases_path=tiny_run["cases"],
                                     out_dir="bench", variants=[BenchVariant("int8", str(tmp_path))]))
