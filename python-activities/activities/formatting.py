"""Turn dataset records (text or chat) into prompt/completion strings for one tokenizer."""

from __future__ import annotations

import json
from typing import Any

from .errors import DatasetError

# Used when a tokenizer has no chat template of its own (the tiny tokenizer, Gemma's GGUF).
# It renders the same "User: ...\nAssistant: ..." shape as the text records.
DEFAULT_CHAT_TEMPLATE = (
    "{% if bos_token %}{{ bos_token }}{% endif %}"
    "{% for m in messages %}"
    "{% if m['role'] == 'system' %}{{ m['content'] }}\n"
    "{% elif m['role'] == 'user' %}User: {{ m['content'] }}\n"
    "{% elif m['role'] == 'assistant' %}Assistant: {{ m['content'] }}{{ eos_token }}"
    "{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}Assistant:{% endif %}"
)


def _literal(v: Any) -> str:
    """Python-call style literal for a tool argument (strings in single quotes)."""
    if isinstance(v, str):
        return repr(v)
    return json.dumps(v, ensure_ascii=False)


def render_tool_call(call: dict[str, Any]) -> str:
    """One OpenAI-style tool call -> the guide's `<tool_use>name(k='v')</tool_use>` block."""
    fn = call.get("function", call)
    args = fn.get("arguments") or {}
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except json.JSONDecodeError:
            args = {}
    inner = ", ".join(f"{k}={_literal(v)}" for k, v in args.items())
    return f"<tool_use>{fn.get('name', '')}({inner})</tool_use>"


def assistant_text(msg: dict[str, Any]) -> str:
    """Assistant content with its tool_calls rendered as <tool_use> blocks (unless already inline)."""
    content = msg.get("content") or ""
    calls = msg.get("tool_calls") or []
    if not calls or "<tool_use>" in content:
        return content
    blocks = "\n".join(render_tool_call(c) for c in calls)
    return f"{content}\n{blocks}" if content else blocks


def normalize_messages(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Plain {role, content} messages that any chat template can render."""
    out = []
    for m in messages:
        role = m.get("role")
        content = assistant_text(m) if role == "assistant" else (m.get("content") or "")
        out.append({"role": role, "content": content})
    return out


def chat_template_of(tokenizer: Any) -> str:
    """The tokenizer's own chat template, or the default above."""
    return getattr(tokenizer, "chat_template", None) or DEFAULT_CHAT_TEMPLATE


def render_chat(tokenizer: Any, messages: list[dict[str, Any]], generation_prompt: bool) -> str:
    """Render messages with the tokenizer's chat template (string, not ids)."""
    return tokenizer.apply_chat_template(
        normalize_messages(messages), tokenize=False, add_generation_prompt=generation_prompt,
        chat_template=chat_template_of(tokenizer),
    )


def split_record(tokenizer: Any, rec: dict[str, Any], record_format: str) -> tuple[str, str]:
    """(prompt, completion) strings of a training record; loss is taken on completion only."""
    if record_format == "chat":
        msgs = rec.get("messages")
        if not msgs or msgs[-1].get("role") != "assistant":
            raise DatasetError("chat record needs messages ending with an assistant turn", {"id": rec.get("id")})
        prompt = render_chat(tokenizer, msgs[:-1], generation_prompt=True)
        full = render_chat(tokenizer, msgs, generation_prompt=False)
        if full.startswith(prompt):
            return prompt, full[len(prompt):].rstrip()  # trailing template whitespace carries nothing
        return prompt, " " + assistant_text(msgs[-1])
    if "prompt" in rec and "completion" in rec:
        return rec["prompt"], rec["completion"]
    text = rec.get("text")
    if isinstance(text, str) and "Assistant:" in text:
        i = text.rindex("Assistant:") + len("Assistant:")
        return text[:i], text[i:]
    raise DatasetError("text record needs prompt+completion (or text with 'Assistant:')", {"id": rec.get("id")})


def case_prompt(tokenizer: Any, case: dict[str, Any], record_format: str) -> str:
    """The prompt string a prediction case is generated from."""
    if record_format == "chat":
        query = case.get("query") or case.get("prompt") or ""
        return render_chat(tokenizer, [{"role": "user", "content": query}], generation_prompt=True)
    if case.get("prompt"):
        return case["prompt"]
    return f"User: {case.get('query', '')}\nAssistant:"


def corpus_texts(rec: dict[str, Any]) -> list[str]:
    """Every text field of a record, for training the tiny tokenizer."""
    out = [rec[k] for k in ("text", "prompt", "completion", "query") if isinstance(rec.get(k), str)]
    for m in rec.get("messages") or []:
        out.append(assistant_text(m) if m.get("role") == "assistant" else (m.get("content") or ""))
    return out
