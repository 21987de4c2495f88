#!/usr/bin/env python3
"""Writes the fuzz seed corpus tests/fuzz/corpus/<target>/seed-* from the
repository's fixtures (tests/ai/fixtures, tests/data/fixtures, examples,
data/sample heads) plus a few hand-written cases. Inputs that libFuzzer adds
or that reproduce a fixed crash are kept beside them under other names
(crash-*, cov-*) and are not touched. Run from anywhere; idempotent."""
import glob
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
MAX_CSV = 2048  # bytes of each CSV head: small inputs fuzz fast
KEY = "sk-fuzz-7Qm2Vx9LkP4sT8wZ3nR6yB1c"  # PR_FUZZ_API_KEY in fuzz_provider.h
HEADERS = {"retry-after", "retry-after-ms", "x-should-retry", "x-ratelimit-reset"}


def put(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def http(status, body, headers=(), question=None):
    head = "HTTP/1.1 %d\r\n" % status
    for k, v in headers:
        head += "%s: %s\r\n" % (k, v)
    if question:
        head += "x-pr-question: %s\r\n" % question
    return head.encode() + b"\r\n" + body


def providers():
    api_of = {"openai": "openai", "openrouter": "openai", "deepseek": "openai",
              "anthropic": "anthropic", "gemini": "gemini"}
    for man in sorted(glob.glob(os.path.join(ROOT, "tests/ai/fixtures/*/manifest.json"))):
        prov = os.path.basename(os.path.dirname(man))
        for fx in json.load(open(man))["fixtures"]:
            rs = fx.get("response") or {}
            if "status" not in rs or "body_file" not in rs:
                continue
            body = open(os.path.join(os.path.dirname(man), rs["body_file"]), "rb").read()
            hdr = [(k, v) for k, v in (rs.get("headers") or {}).items() if k.lower() in HEADERS]
            put("provider_" + api_of[prov], "%s-%s" % (prov, fx["id"]), http(rs["status"], body, hdr))
            if rs["status"] == 200:  # the same body with no head: status 200 by default
                put("provider_" + api_of[prov], "%s-%s-bare" % (prov, fx["id"]), body)
    # Hostile replies (issue #8 section 5): a key echoed in an error message
    # after 240 bytes (cut by a 256-byte buffer), in the model's text, escaped.
    long_msg = "x" * 240 + KEY
    escaped = KEY.replace("-", "\\u002d")
    put("provider_openai", "key-in-401", http(401, json.dumps({"error": {"message": long_msg, "code": "invalid_api_key"}}).encode()))
    put("provider_anthropic", "key-in-401", http(401, json.dumps({"type": "error", "error": {"type": "authentication_error", "message": long_msg}}).encode()))
    put("provider_gemini", "key-in-400", http(400, json.dumps({"error": {"code": 400, "message": long_msg, "status": "INVALID_ARGUMENT"}}).encode()))
    put("provider_openai", "key-escaped-in-model", http(200, ('{"model":"%s","choices":[{"finish_reason":"stop","message":{"content":"x"}}]}' % escaped).encode()))
    put("provider_openai", "transport-timeout", http(0, b"", [("x-pr-transport", "timeout")]))
    put("provider_openai", "retry-headers", http(429, b'{"error":{"message":"slow down"}}', [("retry-after-ms", "1500"), ("x-should-retry", "true"), ("x-ratelimit-reset", "1700000009000")]))


VERDICTS = {
    "confirm": {"action": "REDUCE_SIZE", "confidence": 0.55, "reasons": ["RSI divergence", "weak volume"]},
    "direction": {"direction": "bullish", "confidence": 0.7, "reasoning": "higher highs", "key_factors": ["EMA50 slope"]},
    "mtf": {"timeframes": {tf: {"direction": d, "confidence": 0.6, "patterns": ["doji"]}
                           for tf, d in (("1h", "bullish"), ("4h", "bullish"), ("1d", "neutral"), ("1w", "bearish"))},
            "reasoning": "mixed"},
    "regime": {"regime": "strong_bull", "probabilities": {"strong_bull": 0.55, "weak_bull": 0.2, "bull_range": 0.05,
               "bear_range": 0.05, "weak_bear": 0.05, "strong_bear": 0.04, "high_vol_expansion": 0.05,
               "low_vol_compression": 0.01}, "reasoning": "trend"},
    "levels": {"levels": [{"kind": "support", "price": 94000.5, "strength": 0.8, "touches": 3},
                          {"kind": "psychological", "price": 100000, "strength": 0.5, "touches": 0}],
               "reasoning": "round number"},
}


def verdicts():
    for q, v in VERDICTS.items():
        text = json.dumps(v)
        put("verdict", q, text)
        put("verdict", q + "-fenced", "```json\n" + text + "\n```")
        put("provider_openai", "verdict-" + q, http(200, json.dumps({"model": "m", "choices": [{"finish_reason": "stop", "message": {"content": text}}], "usage": {"prompt_tokens": 10, "completion_tokens": 5}}).encode(), question=q))
        put("provider_anthropic", "verdict-" + q, http(200, json.dumps({"model": "m", "stop_reason": "end_turn", "content": [{"type": "text", "text": text}], "usage": {"input_tokens": 10, "output_tokens": 5}}).encode(), question=q))
        put("provider_gemini", "verdict-" + q, http(200, json.dumps({"modelVersion": "m", "candidates": [{"finishReason": "STOP", "content": {"parts": [{"text": text}]}}], "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5}}).encode(), question=q))
    # A text field longer than its buffer, multi-byte characters at the cut.
    long_v = dict(VERDICTS["direction"], reasoning="é" * 400, key_factors=["€" * 60])
    put("verdict", "direction-long-utf8", json.dumps(long_v, ensure_ascii=False))
    # The model texts of the provider fixtures.
    for body in sorted(glob.glob(os.path.join(ROOT, "tests/ai/fixtures/*/response_*.json"))):
        j = json.load(open(body))
        texts = [c.get("message", {}).get("content") for c in j.get("choices", [])]
        texts += [b.get("text") for b in j.get("content", []) if isinstance(b, dict)]
        for c in j.get("candidates", []):
            texts += [p.get("text") for p in c.get("content", {}).get("parts", [])]
        for i, t in enumerate(x for x in texts if isinstance(x, str) and x):
            name = "%s-%s-%d" % (os.path.basename(os.path.dirname(body)), os.path.basename(body)[:-5], i)
            put("verdict", name, t)


def configs():
    for ex in sorted(glob.glob(os.path.join(ROOT, "examples/*.json"))):
        put("config", os.path.basename(ex)[:-5], open(ex, "rb").read())
    put("config", "empty-object", "{}")
    put("config", "overrides", json.dumps({"strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30}},
                                           "paths": ["strategy.params.fast", "a.0.b", "instruments..x", "data.csv.0"]}))
    put("config", "ai-providers", json.dumps({"ai": {"providers": [{"kind": "openai", "model": "gpt-4o-mini", "price_in": 0.15},
                                                                  {"kind": "anthropic", "max_tokens_field": "max_tokens"},
                                                                  {"kind": "gemini", "json_mode": "object"}],
                                                     "consensus": {"rule": "weighted", "threshold": 0.6},
                                                     "budget": {"max_calls_run": 10}}}))


def csvs():
    files = sorted(glob.glob(os.path.join(ROOT, "tests/data/fixtures/*.csv")))
    files += sorted(glob.glob(os.path.join(ROOT, "data/sample/*/*.csv")))
    for f in files:
        data = open(f, "rb").read()[:MAX_CSV]
        if len(data) == MAX_CSV:  # whole lines only
            data = data[: data.rfind(b"\n") + 1]
        put("csv_import", os.path.basename(f)[:-4], data)
    # Hand-made: a repeated time that is not on the next line, an
    # out-of-order row, a generic file with named columns.
    put("csv_import", "repeat-not-adjacent",
        "timestamp,open,high,low,close,volume\n"
        "2024-01-01 00:00:00,1,2,0.5,1.5,10\n2024-01-01 01:00:00,1.5,2,1,1.8,11\n"
        "2024-01-01 00:00:00,1,3,0.5,1.5,10\n")
    put("csv_import", "generic-named", "date;hour;o;h;l;c\n01/02/2024;10:00;1;2;0.5;1.5\n01/02/2024;11:00;1.5;2;1;1.8\n")
    put("csv_import", "funding-ccxt", "fundingTime,fundingRate\n1704067200000,0.0001\n1704096000001,-0.00005\n")


def binance_msgs():
    """The recorded stream messages, one seed each, and hand-made edges."""
    for f in sorted(glob.glob(os.path.join(ROOT, "tests/data/fixtures/venues/binance/ws_kline_*.jsonl"))):
        for i, line in enumerate(open(f, "rb").read().splitlines()):
            put("binance_msg", "%s-%d" % (os.path.basename(f)[:-6], i), line)
    k = {"t": 1784116800000, "T": 1784116859999, "s": "BTCUSDT", "i": "1m", "o": "1.5", "c": "1.6", "h": "1.7",
         "l": "1.4", "v": "10", "x": True}
    put("binance_msg", "subscription-reply", '{"result":null,"id":1}')
    put("binance_msg", "interval-3d", json.dumps({"e": "kline", "s": "BTCUSDT", "k": dict(k, i="3d")}))
    put("binance_msg", "numbers-not-strings", json.dumps({"e": "kline", "s": "BTCUSDT", "k": dict(k, o=1.5, v=0)}))
    put("binance_msg", "no-x", json.dumps({"e": "kline", "k": {a: b for a, b in k.items() if a != "x"}}))
    put("binance_msg", "long-symbol", json.dumps({"e": "kline", "k": dict(k, s="X" * 300)}))
    put("binance_msg", "combined-not-object", '{"stream":"btcusdt@kline_1m","data":[1,2]}')


if __name__ == "__main__":
    providers()
    verdicts()
    configs()
    csvs()
    binance_msgs()
    for t in sorted(os.listdir(CORPUS)):
        print("%-20s %d files" % (t, len(os.listdir(os.path.join(CORPUS, t)))))
