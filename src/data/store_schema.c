/* Numbered schema migrations, one ordered list per backend, and the runner
 * that applies the pending ones on open. To change the schema, append one
 * SQL string to BOTH lists (same index = same version); never edit a
 * migration that has shipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/store_internal.h"

/* ---- SQLite --------------------------------------------------------------- */
/* WITHOUT ROWID keeps each table a single B-tree ordered by its key, so a
 * dataset's bars are contiguous and appending in time order is cheap. */
static const char *const sqlite_migrations[] = {
    /* 1: market data */
    "CREATE TABLE instruments ("
    " venue TEXT NOT NULL, symbol TEXT NOT NULL, asset_class TEXT NOT NULL,"
    " base TEXT NOT NULL, quote TEXT NOT NULL,"
    " tick_size REAL NOT NULL, lot_step REAL NOT NULL, min_qty REAL NOT NULL,"
    " min_notional REAL NOT NULL, pip_size REAL NOT NULL, contract_multiplier REAL NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " PRIMARY KEY (venue, symbol)) WITHOUT ROWID;"
    "CREATE TABLE candles ("
    " venue TEXT NOT NULL, symbol TEXT NOT NULL, timeframe TEXT NOT NULL, ts INTEGER NOT NULL,"
    " open REAL NOT NULL, high REAL NOT NULL, low REAL NOT NULL, close REAL NOT NULL,"
    " volume REAL NOT NULL,"
    " PRIMARY KEY (venue, symbol, timeframe, ts)) WITHOUT ROWID;"
    "CREATE TABLE funding_rates ("
    " venue TEXT NOT NULL, symbol TEXT NOT NULL, ts INTEGER NOT NULL, rate REAL NOT NULL,"
    " PRIMARY KEY (venue, symbol, ts)) WITHOUT ROWID;"
    "CREATE TABLE datasets ("
    " venue TEXT NOT NULL, symbol TEXT NOT NULL, timeframe TEXT NOT NULL,"
    " bar_count INTEGER NOT NULL, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " PRIMARY KEY (venue, symbol, timeframe)) WITHOUT ROWID;"
    "CREATE TABLE import_log ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " venue TEXT NOT NULL, symbol TEXT NOT NULL, timeframe TEXT NOT NULL,"
    " file TEXT NOT NULL, format TEXT NOT NULL, status TEXT NOT NULL,"
    " imported_at INTEGER NOT NULL,"
    " rows_read INTEGER NOT NULL, rows_stored INTEGER NOT NULL, rows_skipped INTEGER NOT NULL,"
    " rows_repaired INTEGER NOT NULL, rows_inserted INTEGER NOT NULL,"
    " rows_updated INTEGER NOT NULL, defects TEXT);"
    "CREATE INDEX import_log_dataset ON import_log (venue, symbol, timeframe);",
    /* 2: cache and audit of language-model calls (src/data/store_llm.c) */
    "CREATE TABLE llm_calls ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " created_at INTEGER NOT NULL, decision_ts INTEGER, run_id TEXT NOT NULL,"
    " provider TEXT NOT NULL, model TEXT NOT NULL, question TEXT NOT NULL,"
    " template TEXT NOT NULL, prompt_hash TEXT NOT NULL,"
    " status TEXT NOT NULL, fail TEXT NOT NULL, http_status INTEGER NOT NULL,"
    " attempts INTEGER NOT NULL, latency_ms INTEGER NOT NULL,"
    " tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL, cost REAL NOT NULL,"
    " request TEXT NOT NULL, response TEXT, verdict TEXT, error TEXT);"
    "CREATE INDEX llm_calls_key ON llm_calls (provider, model, template, prompt_hash);"
    "CREATE INDEX llm_calls_created ON llm_calls (created_at);",
    /* 3: dataset summaries and their gaps with missing bars, kept by every
     * write (store_summary.c); calendar '' marks a summary the first writer
     * to open the store builds. */
    "ALTER TABLE datasets ADD COLUMN sat_count INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE datasets ADD COLUMN sun_count INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE datasets ADD COLUMN gap_count INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE datasets ADD COLUMN missing_bars INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE datasets ADD COLUMN calendar TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE dataset_gaps ("
    " venue TEXT NOT NULL, symbol TEXT NOT NULL, timeframe TEXT NOT NULL,"
    " gap_from INTEGER NOT NULL, gap_to INTEGER NOT NULL, missing INTEGER NOT NULL,"
    " missing_from INTEGER NOT NULL, missing_to INTEGER NOT NULL,"
    " closed_weekend INTEGER NOT NULL, closed_holiday INTEGER NOT NULL,"
    " closed_session INTEGER NOT NULL,"
    " PRIMARY KEY (venue, symbol, timeframe, gap_from)) WITHOUT ROWID;",
    /* 4: bars in chunks (store_chunk.c); the old per-bar table is converted
     * by pr_store_chunks_convert and replaced by a view (sqlite_v4_after). */
    "CREATE TABLE bar_chunks ("
    " venue TEXT NOT NULL, symbol TEXT NOT NULL, timeframe TEXT NOT NULL,"
    " first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL, n INTEGER NOT NULL,"
    " data BLOB NOT NULL,"
    " PRIMARY KEY (venue, symbol, timeframe, first_ts)) WITHOUT ROWID;"
    "ALTER TABLE candles RENAME TO candles_v3;",
    /* 5: the risk stage's state by name (store_risk.c), opaque JSON text
     * with its layout version, so a paper/live runner resumes it. */
    "CREATE TABLE risk_state ("
    " name TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL,"
    " updated_at INTEGER NOT NULL);",
    /* 6: a paper session's durable state (store_paper.c): the session's
     * name, the digest of the configuration it runs, the close of its last
     * step saved and the state at that close (account, positions, open
     * orders, fills, risk stage) as opaque JSON text, one row replaced in
     * one statement so a kill leaves the previous state or the new one. */
    "CREATE TABLE paper_state ("
    " session TEXT NOT NULL PRIMARY KEY, config_digest TEXT NOT NULL, last_step INTEGER NOT NULL,"
    " state TEXT NOT NULL, updated_at INTEGER NOT NULL);",
    /* 7: a paper/live session's process (store_run.c): who runs it (pid,
     * host, the process's start time, so `proratio stop` signals that
     * process and no other that got its pid), its heartbeat with a status
     * snapshot (positions, orders, P&L, protections, last bars) for
     * `proratio status`, a stop request the session polls, and how it
     * ended (ended_at 0 while it runs or after a crash). */
    "CREATE TABLE paper_run ("
    " session TEXT NOT NULL PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, proc_start TEXT NOT NULL,"
    " started_at INTEGER NOT NULL, heartbeat INTEGER NOT NULL, stop_at INTEGER NOT NULL,"
    " ended_at INTEGER NOT NULL, outcome TEXT NOT NULL, status TEXT NOT NULL);",
    /* 8: chunks of evenly spaced bars keep their step, not their stamps
     * (store_chunk.c version 2): the views and the edit trigger read both
     * versions (sqlite_v8, run after this). */
    "DROP VIEW candles;"
    "DROP VIEW candle_slots;",
    /* 9: optimisation runs and their trials (store_opt.c): a run by name
     * with the digest of the configuration it searches, so a search
     * stopped at any point resumes with the trials already run, and a
     * JSON summary of its result; the trials keyed by (run, fold, trial). */
    "CREATE TABLE runs ("
    " name TEXT NOT NULL PRIMARY KEY, config_digest TEXT NOT NULL, mode TEXT NOT NULL, strategy TEXT NOT NULL,"
    " status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, summary TEXT NOT NULL);"
    "CREATE TABLE trials ("
    " run TEXT NOT NULL, fold INTEGER NOT NULL, trial INTEGER NOT NULL, params TEXT NOT NULL,"
    " score TEXT NOT NULL, metrics TEXT NOT NULL, PRIMARY KEY (run, fold, trial));",
};

/* One row per bar for people who query the store directly: the chunk's
 * little-endian 8-byte values read back with substr/hex (SQLite has no
 * function that reinterprets bytes), ts as an integer and the prices as
 * doubles rebuilt exactly from their bits (sign, exponent, mantissa; the
 * store holds no -0, infinity or NaN). The inner query (kept apart by
 * OFFSET 0, so that the blob is read once per value, not once per digit)
 * yields each value's 16 hex digits; the outer one turns them into numbers,
 * reading each digit once, the prices only for rows a WHERE on ts keeps. (SQLite's <<, >>, & and | share one precedence, left to
 * right: hence the parentheses.) */
#define SQ_NIB(h, p) "(instr('0123456789ABCDEF', substr(" h ", " #p ", 1)) - 1)"
#define SQ_BYTE(h, p, q, s) "((" SQ_NIB(h, p) " << 4 | " SQ_NIB(h, q) ") << " #s ")"
#define SQ_I64(h)                                                                                  \
    "(" SQ_BYTE(h, 1, 2, 0) " | " SQ_BYTE(h, 3, 4, 8) " | " SQ_BYTE(h, 5, 6, 16) " | "            \
    SQ_BYTE(h, 7, 8, 24) " | " SQ_BYTE(h, 9, 10, 32) " | " SQ_BYTE(h, 11, 12, 40) " | "          \
    SQ_BYTE(h, 13, 14, 48) " | " SQ_BYTE(h, 15, 16, 56) ")"
/* Digit p of the hex text is the high (odd p) or low nibble of byte
 * (p - 1) / 2: the top byte (digits 15, 16) holds the sign and 7 exponent
 * bits, digit 13 the exponent's last 4, the rest the 52-bit mantissa. */
#define SQ_EXP(h) "(((" SQ_NIB(h, 15) " & 7) << 8) | (" SQ_NIB(h, 16) " << 4) | " SQ_NIB(h, 13) ")"
#define SQ_MANT(h)                                                                                 \
    "(" SQ_NIB(h, 14) " << 48 | " SQ_BYTE(h, 11, 12, 40) " | " SQ_BYTE(h, 9, 10, 32) " | "       \
    SQ_BYTE(h, 7, 8, 24) " | " SQ_BYTE(h, 5, 6, 16) " | " SQ_BYTE(h, 3, 4, 8) " | "              \
    SQ_BYTE(h, 1, 2, 0) ")"
#define SQ_F64(h)                                                                                  \
    "(CASE WHEN " SQ_EXP(h) " = 0 THEN " SQ_MANT(h) " * power(2.0, -1074) ELSE (" SQ_MANT(h)      \
    " + 4503599627370496) * power(2.0, " SQ_EXP(h) " - 1075) END * CASE WHEN " SQ_NIB(h, 15)       \
    " >= 8 THEN -1.0 ELSE 1.0 END)"
#define SQ_AT_ADJ(col, adj) "hex(substr(c.data, 9 + 8 * (" col ")" adj ", 8))"
#define SQ_AT(col) SQ_AT_ADJ(col, "")
/* Version 2 (store_chunk.c): no stamps, so each price column starts
 * 8 n - 8 bytes earlier (the step takes the first stamp's place). */
#define SQ_V2(t) "(substr(" t "data, 4, 1) = X'02')"
#define SQ_ADJ(t) " - " SQ_V2(t) " * (8 * " t "n - 8)"
/* In pieces: C compilers need not accept string literals over 4095 bytes. */
static const char *const sqlite_v4_after[] = {
    "DROP TABLE candles_v3;"
    "CREATE VIEW candles (venue, symbol, timeframe, ts, open, high, low, close, volume) AS"
    " WITH RECURSIVE slot(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM slot WHERE k < 1023)"
    " SELECT venue, symbol, timeframe, " SQ_I64("xt") ", " SQ_F64("xo") ", ",
    SQ_F64("xh") ", ",
    SQ_F64("xl") ", ",
    SQ_F64("xc") ", ",
    SQ_F64("xv"),
    " FROM (SELECT c.venue, c.symbol, c.timeframe, " SQ_AT("slot.k") " AS xt, "
    SQ_AT("c.n + slot.k") " AS xo, " SQ_AT("2 * c.n + slot.k") " AS xh, "
    SQ_AT("3 * c.n + slot.k") " AS xl, " SQ_AT("4 * c.n + slot.k") " AS xc, "
    SQ_AT("5 * c.n + slot.k") " AS xv"
    " FROM bar_chunks c CROSS JOIN slot WHERE slot.k < c.n LIMIT -1 OFFSET 0);",
};

/* Editing through the view (INSTEAD OF UPDATE): a bar's prices are written
 * back into its chunk (the double's bits rebuilt with log2/power and put
 * byte by byte from a 256-byte table), under the import's own bar rules
 * (finite, positive prices, high >= open/close >= low, volume >= 0). Its
 * ts, venue, symbol and timeframe cannot change: that moves bars between
 * chunks and datasets behind the dataset summaries (delete and import).
 * candle_slots gives each bar's chunk and place. */
#define SQ_OLD_KEY "venue = OLD.venue AND symbol = OLD.symbol AND timeframe = OLD.timeframe"
#define SQ_OLD_CHUNK "(SELECT max(first_ts) FROM bar_chunks WHERE " SQ_OLD_KEY " AND first_ts <= OLD.ts)"
#define SQ_BITS(x)                                                                                  \
    "(SELECT CASE WHEN a = 0 THEN 0 ELSE (CASE WHEN " x " < 0 THEN 1 << 63 ELSE 0 END) |"           \
    " CASE WHEN e < -1022 THEN CAST(a * power(2.0, 537) * power(2.0, 537) AS INTEGER)"              \
    " ELSE ((e + 1023) << 52) | CAST((a / power(2.0, e) - 1.0) * 4503599627370496.0 AS INTEGER)"   \
    " END END FROM (SELECT a, e0 - (power(2.0, e0) > a) + (power(2.0, e0 + 1) <= a) AS e"          \
    " FROM (SELECT a, CAST(floor(log2(a)) AS INTEGER) AS e0 FROM (SELECT abs(" x ") AS a))))"
#define SQ_PUTB(s) "substr(t.lut, ((z.u >> " #s ") & 255) + 1, 1)"
#define SQ_SET_ADJ(col, c, adj)                                                                     \
    "UPDATE bar_chunks SET data = CAST(substr(data, 1, 8 + 8 * (" #c " * n + z.k)" adj ") || "      \
    SQ_PUTB(0) " || " SQ_PUTB(8) " || " SQ_PUTB(16) " || " SQ_PUTB(24) " || " SQ_PUTB(32) " || "    \
    SQ_PUTB(40) " || " SQ_PUTB(48) " || " SQ_PUTB(56) " || substr(data, 17 + 8 * (" #c " * n + z.k)" adj ")" \
    " AS BLOB) FROM (SELECT " SQ_LUT " AS lut) AS t, (SELECT s.first_ts AS f, s.k AS k, "            \
    SQ_BITS("NEW." col) " AS u FROM candle_slots s WHERE s.venue = OLD.venue AND s.symbol ="        \
    " OLD.symbol AND s.timeframe = OLD.timeframe AND s.first_ts = " SQ_OLD_CHUNK                     \
    " AND s.ts = OLD.ts) AS z WHERE " SQ_OLD_KEY " AND first_ts = z.f AND NEW." col                  \
    " IS NOT OLD." col ";"
#define SQ_SET(col, c) SQ_SET_ADJ(col, c, "")
#define SQ_BAD(col) " OR typeof(NEW." col ") NOT IN ('integer', 'real') OR abs(NEW." col ") > 1.7976931348623157e308"
#define SQ_LUT \
    "X'000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E" \
    "2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E" \
    "5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E" \
    "8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBE" \
    "BFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEE" \
    "EFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF'"
#define SQ_EDIT_CHECK \
    "CREATE TRIGGER candles_update INSTEAD OF UPDATE ON candles BEGIN" \
    " SELECT RAISE(ABORT, 'candles is a view of bar_chunks: through it a bar''s prices can be set" \
    " to finite, positive numbers with high >= open, close >= low and volume >= 0; not its ts," \
    " venue, symbol or timeframe') WHERE NEW.ts IS NOT OLD.ts OR NEW.venue IS NOT OLD.venue" \
    " OR NEW.symbol IS NOT OLD.symbol OR NEW.timeframe IS NOT OLD.timeframe" \
    SQ_BAD("open") SQ_BAD("high") SQ_BAD("low") SQ_BAD("close") SQ_BAD("volume") \
    " OR NEW.open <= 0 OR NEW.high <= 0 OR NEW.low <= 0 OR NEW.close <= 0 OR NEW.volume < 0" \
    " OR NEW.high < NEW.low OR NEW.high < max(NEW.open, NEW.close) OR NEW.low > min(NEW.open, NEW.close);"
static const char *const sqlite_v4_edit[] = {
    "CREATE VIEW candle_slots (venue, symbol, timeframe, first_ts, k, ts) AS"
    " WITH RECURSIVE slot(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM slot WHERE k < 1023)"
    " SELECT c.venue, c.symbol, c.timeframe, c.first_ts, slot.k, "
    SQ_I64("hex(substr(c.data, 9 + 8 * slot.k, 8))")
    " FROM bar_chunks c CROSS JOIN slot WHERE slot.k < c.n;",
    SQ_EDIT_CHECK,
    SQ_SET("open", 1), SQ_SET("high", 2), SQ_SET("low", 3), SQ_SET("close", 4), SQ_SET("volume", 5), "END;",
};

/* Migration 8's views and trigger: those of 4 reading both chunk versions
 * (a version-2 chunk's stamps are first_ts + k x its step). */
#define SQ_TS8(t, k)                                                                                \
    "CASE WHEN " SQ_V2(t) " THEN " t "first_ts + " k " * " SQ_I64("hex(substr(" t "data, 9, 8))")     \
    " ELSE " SQ_I64("hex(substr(" t "data, 9 + 8 * " k ", 8))") " END"
static const char *const sqlite_v8[] = {
    "CREATE VIEW candles (venue, symbol, timeframe, ts, open, high, low, close, volume) AS"
    " WITH RECURSIVE slot(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM slot WHERE k < 1023)"
    " SELECT venue, symbol, timeframe, f * v + (k * v + 1 - v) * " SQ_I64("xt") ", " SQ_F64("xo") ", ",
    SQ_F64("xh") ", ",
    SQ_F64("xl") ", ",
    SQ_F64("xc") ", ",
    SQ_F64("xv"),
    " FROM (SELECT c.venue, c.symbol, c.timeframe, c.first_ts AS f, slot.k AS k, " SQ_V2("c.") " AS v, "
    "hex(substr(c.data, 9 + 8 * slot.k * (1 - " SQ_V2("c.") "), 8)) AS xt, "
    SQ_AT_ADJ("c.n + slot.k", SQ_ADJ("c.")) " AS xo, " SQ_AT_ADJ("2 * c.n + slot.k", SQ_ADJ("c.")) " AS xh, "
    SQ_AT_ADJ("3 * c.n + slot.k", SQ_ADJ("c.")) " AS xl, " SQ_AT_ADJ("4 * c.n + slot.k", SQ_ADJ("c.")) " AS xc, "
    SQ_AT_ADJ("5 * c.n + slot.k", SQ_ADJ("c.")) " AS xv"
    " FROM bar_chunks c CROSS JOIN slot WHERE slot.k < c.n LIMIT -1 OFFSET 0);",
    "CREATE VIEW candle_slots (venue, symbol, timeframe, first_ts, k, ts) AS"
    " WITH RECURSIVE slot(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM slot WHERE k < 1023)"
    " SELECT c.venue, c.symbol, c.timeframe, c.first_ts, slot.k, " SQ_TS8("c.", "slot.k")
    " FROM bar_chunks c CROSS JOIN slot WHERE slot.k < c.n;",
    SQ_EDIT_CHECK,
    SQ_SET_ADJ("open", 1, SQ_ADJ("")), SQ_SET_ADJ("high", 2, SQ_ADJ("")), SQ_SET_ADJ("low", 3, SQ_ADJ("")),
    SQ_SET_ADJ("close", 4, SQ_ADJ("")), SQ_SET_ADJ("volume", 5, SQ_ADJ("")), "END;",
};

/* ---- PostgreSQL ----------------------------------------------------------- */
/* Key text columns use the "C" collation: byte comparison is faster in the
 * B-tree and matches SQLite's BINARY collation. */
static const char *const pg_migrations[] = {
    /* 1: market data */
    "CREATE TABLE instruments ("
    " venue TEXT COLLATE \"C\" NOT NULL, symbol TEXT COLLATE \"C\" NOT NULL,"
    " asset_class TEXT NOT NULL, base TEXT NOT NULL, quote TEXT NOT NULL,"
    " tick_size DOUBLE PRECISION NOT NULL, lot_step DOUBLE PRECISION NOT NULL,"
    " min_qty DOUBLE PRECISION NOT NULL, min_notional DOUBLE PRECISION NOT NULL,"
    " pip_size DOUBLE PRECISION NOT NULL, contract_multiplier DOUBLE PRECISION NOT NULL,"
    " updated_at BIGINT NOT NULL,"
    " PRIMARY KEY (venue, symbol));"
    "CREATE TABLE candles ("
    " venue TEXT COLLATE \"C\" NOT NULL, symbol TEXT COLLATE \"C\" NOT NULL,"
    " timeframe TEXT COLLATE \"C\" NOT NULL, ts BIGINT NOT NULL,"
    " open DOUBLE PRECISION NOT NULL, high DOUBLE PRECISION NOT NULL,"
    " low DOUBLE PRECISION NOT NULL, close DOUBLE PRECISION NOT NULL,"
    " volume DOUBLE PRECISION NOT NULL,"
    " PRIMARY KEY (venue, symbol, timeframe, ts));"
    "CREATE TABLE funding_rates ("
    " venue TEXT COLLATE \"C\" NOT NULL, symbol TEXT COLLATE \"C\" NOT NULL,"
    " ts BIGINT NOT NULL, rate DOUBLE PRECISION NOT NULL,"
    " PRIMARY KEY (venue, symbol, ts));"
    "CREATE TABLE datasets ("
    " venue TEXT COLLATE \"C\" NOT NULL, symbol TEXT COLLATE \"C\" NOT NULL,"
    " timeframe TEXT COLLATE \"C\" NOT NULL,"
    " bar_count BIGINT NOT NULL, first_ts BIGINT NOT NULL, last_ts BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL,"
    " PRIMARY KEY (venue, symbol, timeframe));"
    "CREATE TABLE import_log ("
    " id BIGSERIAL PRIMARY KEY,"
    " venue TEXT COLLATE \"C\" NOT NULL, symbol TEXT COLLATE \"C\" NOT NULL,"
    " timeframe TEXT COLLATE \"C\" NOT NULL,"
    " file TEXT NOT NULL, format TEXT NOT NULL, status TEXT NOT NULL,"
    " imported_at BIGINT NOT NULL,"
    " rows_read BIGINT NOT NULL, rows_stored BIGINT NOT NULL, rows_skipped BIGINT NOT NULL,"
    " rows_repaired BIGINT NOT NULL, rows_inserted BIGINT NOT NULL,"
    " rows_updated BIGINT NOT NULL, defects TEXT);"
    "CREATE INDEX import_log_dataset ON import_log (venue, symbol, timeframe);",
    /* 2: cache and audit of language-model calls (src/data/store_llm.c) */
    "CREATE TABLE llm_calls ("
    " id BIGSERIAL PRIMARY KEY,"
    " created_at BIGINT NOT NULL, decision_ts BIGINT, run_id TEXT NOT NULL,"
    " provider TEXT COLLATE \"C\" NOT NULL, model TEXT COLLATE \"C\" NOT NULL,"
    " question TEXT NOT NULL, template TEXT COLLATE \"C\" NOT NULL,"
    " prompt_hash TEXT COLLATE \"C\" NOT NULL,"
    " status TEXT NOT NULL, fail TEXT NOT NULL, http_status INTEGER NOT NULL,"
    " attempts INTEGER NOT NULL, latency_ms BIGINT NOT NULL,"
    " tokens_in BIGINT NOT NULL, tokens_out BIGINT NOT NULL, cost DOUBLE PRECISION NOT NULL,"
    " request TEXT NOT NULL, response TEXT, verdict TEXT, error TEXT);"
    "CREATE INDEX llm_calls_key ON llm_calls (provider, model, template, prompt_hash);"
    "CREATE INDEX llm_calls_created ON llm_calls (created_at);",
    /* 3: dataset summaries (see the SQLite list) */
    "ALTER TABLE datasets ADD COLUMN sat_count BIGINT NOT NULL DEFAULT 0,"
    " ADD COLUMN sun_count BIGINT NOT NULL DEFAULT 0,"
    " ADD COLUMN gap_count BIGINT NOT NULL DEFAULT 0,"
    " ADD COLUMN missing_bars BIGINT NOT NULL DEFAULT 0,"
    " ADD COLUMN calendar TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE dataset_gaps ("
    " venue TEXT COLLATE \"C\" NOT NULL, symbol TEXT COLLATE \"C\" NOT NULL,"
    " timeframe TEXT COLLATE \"C\" NOT NULL,"
    " gap_from BIGINT NOT NULL, gap_to BIGINT NOT NULL, missing BIGINT NOT NULL,"
    " missing_from BIGINT NOT NULL, missing_to BIGINT NOT NULL,"
    " closed_weekend BIGINT NOT NULL, closed_holiday BIGINT NOT NULL,"
    " closed_session BIGINT NOT NULL,"
    " PRIMARY KEY (venue, symbol, timeframe, gap_from));",
    /* 4: bars in chunks (see the SQLite list); EXTERNAL storage keeps the
     * chunks out of line uncompressed, so reads never decompress. */
    "CREATE TABLE bar_chunks ("
    " venue TEXT COLLATE \"C\" NOT NULL, symbol TEXT COLLATE \"C\" NOT NULL,"
    " timeframe TEXT COLLATE \"C\" NOT NULL,"
    " first_ts BIGINT NOT NULL, last_ts BIGINT NOT NULL, n INTEGER NOT NULL,"
    " data BYTEA NOT NULL,"
    " PRIMARY KEY (venue, symbol, timeframe, first_ts));"
    "ALTER TABLE bar_chunks ALTER COLUMN data SET STORAGE EXTERNAL;"
    "ALTER TABLE candles RENAME TO candles_v3;",
    /* 5: the risk stage's state (see the SQLite list). */
    "CREATE TABLE risk_state ("
    " name TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL,"
    " updated_at BIGINT NOT NULL);",
    /* 6: a paper session's durable state (see the SQLite list). */
    "CREATE TABLE paper_state ("
    " session TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, config_digest TEXT NOT NULL, last_step BIGINT NOT NULL,"
    " state TEXT NOT NULL, updated_at BIGINT NOT NULL);",
    /* 7: a session's process (see the SQLite list). */
    "CREATE TABLE paper_run ("
    " session TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, pid BIGINT NOT NULL, host TEXT NOT NULL,"
    " proc_start TEXT NOT NULL, started_at BIGINT NOT NULL, heartbeat BIGINT NOT NULL, stop_at BIGINT NOT NULL,"
    " ended_at BIGINT NOT NULL, outcome TEXT NOT NULL, status TEXT NOT NULL);",
    /* 8: chunks of evenly spaced bars keep their step, not their stamps
     * (see the SQLite list): the view reads both versions. A version-2
     * chunk's columns start 8 n - 8 bytes earlier (x.a). */
    "CREATE OR REPLACE VIEW candles AS SELECT c.venue, c.symbol, c.timeframe,"
    " CASE WHEN x.a > 0"
    " THEN c.first_ts + k * pr_chunk_i64(x.d, 8) ELSE pr_chunk_i64(x.d, 8 + 8 * k) END AS ts,"
    " pr_chunk_f64(x.d, 8 + 8 * (x.n + k) - x.a) AS open,"
    " pr_chunk_f64(x.d, 8 + 8 * (2 * x.n + k) - x.a) AS high,"
    " pr_chunk_f64(x.d, 8 + 8 * (3 * x.n + k) - x.a) AS low,"
    " pr_chunk_f64(x.d, 8 + 8 * (4 * x.n + k) - x.a) AS close,"
    " pr_chunk_f64(x.d, 8 + 8 * (5 * x.n + k) - x.a) AS volume"
    " FROM bar_chunks c CROSS JOIN LATERAL (SELECT y.d, y.n,"
    " CASE WHEN get_byte(y.d, 3) = 2 THEN 8 * y.n - 8 ELSE 0 END AS a"
    " FROM (SELECT c.data || ''::bytea AS d, c.n AS n OFFSET 0) y) x"
    " CROSS JOIN LATERAL generate_series(0, x.n - 1) AS k;",
    /* 9: optimisation runs and their trials (see the SQLite list). */
    "CREATE TABLE runs ("
    " name TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, config_digest TEXT NOT NULL, mode TEXT NOT NULL,"
    " strategy TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
    " summary TEXT NOT NULL);"
    "CREATE TABLE trials ("
    " run TEXT COLLATE \"C\" NOT NULL, fold INTEGER NOT NULL, trial BIGINT NOT NULL, params TEXT NOT NULL,"
    " score TEXT NOT NULL, metrics TEXT NOT NULL, PRIMARY KEY (run, fold, trial));",
};

/* The per-bar view (see the SQLite one), with two SQL functions reading an
 * 8-byte little-endian integer and double out of a chunk: single
 * expressions without FROM, so that PostgreSQL inlines them. The view
 * detoasts each chunk once (the OFFSET 0 subquery), not once per byte
 * read: that was minutes for 30,000 bars. */
#define PG_B(i, s) "(get_byte(b, o + " #i ")::bigint << " #s ")"
static const char *const pg_v4_after[] = {
    "DROP TABLE candles_v3;"
    "CREATE FUNCTION pr_chunk_i64(b bytea, o integer) RETURNS bigint"
    " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT " PG_B(0, 0) " | " PG_B(1, 8)
    " | " PG_B(2, 16) " | " PG_B(3, 24) " | " PG_B(4, 32) " | " PG_B(5, 40) " | " PG_B(6, 48)
    " | " PG_B(7, 56) "';"
    "CREATE FUNCTION pr_chunk_f64(b bytea, o integer) RETURNS double precision"
    " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS"
    " 'SELECT CASE WHEN (pr_chunk_i64(b, o) >> 52) & 2047 = 0"
    " THEN (pr_chunk_i64(b, o) & 4503599627370495) * power(2.0::float8, -1074)"
    " ELSE ((pr_chunk_i64(b, o) & 4503599627370495) + 4503599627370496)"
    " * power(2.0::float8, ((pr_chunk_i64(b, o) >> 52) & 2047) - 1075) END"
    " * CASE WHEN pr_chunk_i64(b, o) < 0 THEN -1.0::float8 ELSE 1.0::float8 END';"
    "CREATE VIEW candles AS SELECT c.venue, c.symbol, c.timeframe,"
    " pr_chunk_i64(x.d, 8 + 8 * k) AS ts,"
    " pr_chunk_f64(x.d, 8 + 8 * (x.n + k)) AS open,"
    " pr_chunk_f64(x.d, 8 + 8 * (2 * x.n + k)) AS high,"
    " pr_chunk_f64(x.d, 8 + 8 * (3 * x.n + k)) AS low,"
    " pr_chunk_f64(x.d, 8 + 8 * (4 * x.n + k)) AS close,"
    " pr_chunk_f64(x.d, 8 + 8 * (5 * x.n + k)) AS volume"
    " FROM bar_chunks c CROSS JOIN LATERAL (SELECT c.data || ''::bytea AS d, c.n AS n OFFSET 0) x"
    " CROSS JOIN LATERAL generate_series(0, x.n - 1) AS k;",
};

_Static_assert(sizeof sqlite_migrations == sizeof pg_migrations,
               "every migration needs a SQLite and a PostgreSQL version");

const char *const *pr_store_sqlite_migrations(size_t *n) {
    *n = sizeof sqlite_migrations / sizeof sqlite_migrations[0];
    return sqlite_migrations;
}

const char *const *pr_store_pg_migrations(size_t *n) {
    *n = sizeof pg_migrations / sizeof pg_migrations[0];
    return pg_migrations;
}

int pr_store_schema_latest(void) { return (int)(sizeof sqlite_migrations / sizeof sqlite_migrations[0]); }

/* ---- runner ---------------------------------------------------------------- */
/* Joins and runs the SQL of migration 4 that follows the conversion. */
static int run_pieces(pr_store *st, const char *const *p, size_t n, const char *what,
                      pr_err *err) {
    size_t len = 1;
    for (size_t i = 0; i < n; i++) len += strlen(p[i]);
    char *sql = malloc(len);
    if (!sql) return pr_err_set(err, PR_ENOMEM, "store: out of memory migrating");
    sql[0] = '\0';
    for (size_t i = 0; i < n; i++) strcat(sql, p[i]);
    int rc = st->ops->exec(st, sql, what, err);
    free(sql);
    return rc;
}

/* ---- runner (versions) ------------------------------------------------------------- */
static int current_version(pr_store *st, int64_t *v, pr_err *err) {
    int found = 0;
    int rc = st->ops->query_int(st, "SELECT MAX(version) FROM schema_version", v, &found, err);
    if (rc == PR_OK && !found) *v = 0;
    return rc;
}

int pr_store_migrate(pr_store *st, int target, const char *const *extra, size_t n_extra,
                     pr_err *err) {
    size_t own_n = 0;
    const char *const *own = st->ops->migrations(&own_n);
    const int64_t known = (int64_t)(own_n + n_extra);
    const int64_t want = target < 0 ? known : (target > known ? known : target);

    /* Fast path without locks: an up-to-date store must open even while
     * another process holds the write lock for a long import. */
    int64_t exists = 0, cur = 0;
    int found = 0;
    int rc = st->ops->query_int(st, st->ops->version_table_exists_sql, &exists, &found, err);
    if (rc != PR_OK) return rc;
    if (exists) {
        rc = current_version(st, &cur, err);
        if (rc != PR_OK) return rc;
        if (cur > known)
            return pr_err_set(err, PR_EUNSUPPORTED,
                              "store: schema version %lld is newer than this program "
                              "understands (%lld); upgrade proratio",
                              (long long)cur, (long long)known);
        if (cur >= want) return PR_OK;
    }

    rc = st->ops->begin(st, err);
    if (rc != PR_OK) return rc;
    if (st->ops->migration_lock_sql)
        rc = st->ops->exec(st, st->ops->migration_lock_sql, "lock schema for migration", err);
    if (rc == PR_OK)
        rc = st->ops->exec(st,
                           "CREATE TABLE IF NOT EXISTS schema_version ("
                           " version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
                           "create schema_version", err);
    /* Another process may have migrated while we waited for the lock. */
    if (rc == PR_OK) rc = current_version(st, &cur, err);
    if (rc == PR_OK && cur > known)
        rc = pr_err_set(err, PR_EUNSUPPORTED,
                        "store: schema version %lld is newer than this program understands "
                        "(%lld); upgrade proratio",
                        (long long)cur, (long long)known);
    int64_t now = pr_time_now_ms();
    for (int64_t v = cur + 1; rc == PR_OK && v <= want; v++) {
        const char *sql = (size_t)v <= own_n ? own[v - 1] : extra[v - 1 - (int64_t)own_n];
        char what[48], ins[128];
        snprintf(what, sizeof what, "migration %lld", (long long)v);
        rc = st->ops->exec(st, sql, what, err);
        /* Moving bars into chunks needs C (the codec): in the same
         * transaction, so an interrupted upgrade leaves the old table. */
        if (rc == PR_OK && v == 4 && (size_t)v <= own_n) {
            rc = pr_store_chunks_convert(st, err);
#define PIECES(a) a, sizeof a / sizeof *a
            if (rc == PR_OK && st->kind == PR_STORE_POSTGRES)
                rc = run_pieces(st, PIECES(pg_v4_after), what, err);
            if (rc == PR_OK && st->kind == PR_STORE_SQLITE)
                rc = run_pieces(st, PIECES(sqlite_v4_after), what, err);
            if (rc == PR_OK && st->kind == PR_STORE_SQLITE)
                rc = run_pieces(st, PIECES(sqlite_v4_edit), what, err);
        }
        if (rc == PR_OK && v == 8 && (size_t)v <= own_n && st->kind == PR_STORE_SQLITE)
            rc = run_pieces(st, PIECES(sqlite_v8), what, err);
#undef PIECES
        if (rc == PR_OK) {
            snprintf(ins, sizeof ins,
                     "INSERT INTO schema_version (version, applied_at) VALUES (%lld, %lld)",
                     (long long)v, (long long)now);
            rc = st->ops->exec(st, ins, what, err);
        }
    }
    if (rc == PR_OK) rc = st->ops->commit(st, err);
    if (rc != PR_OK) st->ops->rollback(st, NULL);
    return rc;
}
