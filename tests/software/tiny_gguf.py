"""Writes a tiny llama-architecture GGUF model (random weights, a byte-level SentencePiece vocabulary) for the
software tier: a real model file a real llama.cpp server loads and answers with (nonsense, quickly). No registry
serves model weights; this stands in for the instruct GGUF a cluster downloads. Usage: tiny_gguf.py <out.gguf>"""
import sys

import gguf
import numpy as np

N_EMBD, N_FF, N_HEAD, N_CTX = 64, 128, 4, 256
rng = np.random.default_rng(7)

# <unk>, <s>, </s>, then one token per byte (SentencePiece byte fallback).
tokens = [b"<unk>", b"<s>", b"</s>"] + [f"<0x{b:02X}>".encode() for b in range(256)]
types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL] + [gguf.TokenType.BYTE] * 256
n_vocab = len(tokens)

w = gguf.GGUFWriter(sys.argv[1], "llama")
w.add_name("llm-platform-tiny")
w.add_context_length(N_CTX)
w.add_embedding_length(N_EMBD)
w.add_block_count(1)
w.add_feed_forward_length(N_FF)
w.add_head_count(N_HEAD)
w.add_head_count_kv(N_HEAD)
w.add_rope_dimension_count(N_EMBD // N_HEAD)
w.add_layer_norm_rms_eps(1e-5)
w.add_file_type(gguf.LlamaFileType.ALL_F32)
w.add_tokenizer_model("llama")
w.add_token_list(tokens)
w.add_token_scores([0.0] * n_vocab)
w.add_token_types(types)
w.add_bos_token_id(1)
w.add_eos_token_id(2)
w.add_unk_token_id(0)
w.add_chat_template("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}assistant:")


def t(*shape):
    return (rng.standard_normal(shape) * 0.02).astype(np.float32)


w.add_tensor("token_embd.weight", t(n_vocab, N_EMBD))
w.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=np.float32))
w.add_tensor("output.weight", t(n_vocab, N_EMBD))
w.add_tensor("blk.0.attn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
    w.add_tensor(f"blk.0.{name}.weight", t(N_EMBD, N_EMBD))
w.add_tensor("blk.0.ffn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
w.add_tensor("blk.0.ffn_gate.weight", t(N_FF, N_EMBD))
w.add_tensor("blk.0.ffn_up.weight", t(N_FF, N_EMBD))
w.add_tensor("blk.0.ffn_down.weight", t(N_EMBD, N_FF))
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
