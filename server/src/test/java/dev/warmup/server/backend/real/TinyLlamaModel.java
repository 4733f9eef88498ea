package dev.warmup.server.backend.real;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a model a real llama-server loads and runs: a one-layer llama of 32 dimensions with random weights and a
 * SentencePiece vocabulary of the control tokens and the 256 byte tokens (byte fallback tokenises any text), in GGUF
 * version 3 (ggml's {@code docs/gguf.md}: little-endian header, key-value pairs, tensor descriptions, then the tensors,
 * each aligned to 32 bytes). About 120 KB; it answers nonsense, quickly.
 */
public final class TinyLlamaModel {
    private static final int EMBD = 32;
    private static final int FF = 64;
    private static final int HEADS = 2;
    private static final int ALIGN = 32;
    private static final int U32 = 4;
    private static final int F32 = 6;
    private static final int STRING = 8;
    private static final int ARRAY = 9;

    private TinyLlamaModel() {}

    public static void write(Path file) throws IOException {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3)); // unknown, control, control
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6); // byte
        }
        Map<String, float[]> tensors = new LinkedHashMap<>(); // name -> values; shapes below, ne0 first
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Random random = new Random(7);
        tensor(tensors, shapes, "token_embd.weight", random, EMBD, tokens.size());
        tensor(tensors, shapes, "output_norm.weight", null, EMBD);
        tensor(tensors, shapes, "output.weight", random, EMBD, tokens.size());
        tensor(tensors, shapes, "blk.0.attn_norm.weight", null, EMBD);
        for (String w : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
            tensor(tensors, shapes, "blk.0." + w + ".weight", random, EMBD, EMBD);
        }
        tensor(tensors, shapes, "blk.0.ffn_norm.weight", null, EMBD);
        tensor(tensors, shapes, "blk.0.ffn_gate.weight", random, EMBD, FF);
        tensor(tensors, shapes, "blk.0.ffn_up.weight", random, EMBD, FF);
        tensor(tensors, shapes, "blk.0.ffn_down.weight", random, FF, EMBD);

        Out out = new Out();
        out.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.u32(3);
        out.u64(tensors.size());
        out.u64(16); // the key-value pairs below
        out.kv("general.architecture", "llama");
        out.kvU32("llama.context_length", 256);
        out.kvU32("llama.embedding_length", EMBD);
        out.kvU32("llama.block_count", 1);
        out.kvU32("llama.feed_forward_length", FF);
        out.kvU32("llama.attention.head_count", HEADS);
        out.kvU32("llama.attention.head_count_kv", HEADS);
        out.kvU32("llama.rope.dimension_count", EMBD / HEADS);
        out.key("llama.attention.layer_norm_rms_epsilon");
        out.u32(F32);
        out.f32(1e-5f);
        out.kv("tokenizer.ggml.model", "llama");
        out.key("tokenizer.ggml.tokens");
        out.u32(ARRAY);
        out.u32(STRING);
        out.u64(tokens.size());
        tokens.forEach(out::string);
        out.key("tokenizer.ggml.scores");
        out.u32(ARRAY);
        out.u32(F32);
        out.u64(tokens.size());
        tokens.forEach(t -> out.f32(0));
        out.key("tokenizer.ggml.token_type");
        out.u32(ARRAY);
        out.u32(5); // int32
        out.u64(types.size());
        types.forEach(out::u32);
        out.kvU32("tokenizer.ggml.bos_token_id", 1);
        out.kvU32("tokenizer.ggml.eos_token_id", 2);
        out.kvU32("tokenizer.ggml.unknown_token_id", 0);
        long offset = 0;
        for (Map.Entry<String, float[]> t : tensors.entrySet()) {
            out.string(t.getKey());
            long[] shape = shapes.get(t.getKey());
            out.u32(shape.length);
            for (long d : shape) {
                out.u64(d);
            }
            out.u32(0); // F32
            out.u64(offset);
            offset += padded(4L * t.getValue().length);
        }
        out.pad();
        for (float[] values : tensors.values()) {
            for (float v : values) {
                out.f32(v);
            }
            out.pad();
        }
        Files.write(file, out.toByteArray());
    }

    /** A tensor of {@code dims} (ne0 first): random small weights, or ones (a norm's) when {@code random} is null. */
    private static void tensor(Map<String, float[]> tensors, Map<String, long[]> shapes, String name, Random random,
                               int... dims) {
        int n = 1;
        long[] shape = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            n *= dims[i];
            shape[i] = dims[i];
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = random == null ? 1f : (float) (random.nextGaussian() * 0.02);
        }
        tensors.put(name, values);
        shapes.put(name, shape);
    }

    private static long padded(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** A growing little-endian buffer. */
    private static final class Out {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private ByteBuffer room(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
            return buf;
        }

        void bytes(byte[] b) { room(b.length).put(b); }
        void u32(int v) { room(4).putInt(v); }
        void u64(long v) { room(8).putLong(v); }
        void f32(float v) { room(4).putFloat(v); }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void key(String k) { string(k); }

        void kv(String k, String v) {
            key(k);
            u32(STRING);
            string(v);
        }

        void kvU32(String k, int v) {
            key(k);
            u32(U32);
            u32(v);
        }

        void pad() {
            while (buf.position() % ALIGN != 0) {
                room(1).put((byte) 0);
            }
        }

        byte[] toByteArray() {
            byte[] b = new byte[buf.position()];
            buf.flip();
            buf.get(b);
            return b;
        }
    }
}
