# Sourced by the paper session tests: one of a session's JSON-lines logs
# as one text: its daily-rotated files (NAME-YYYY-MM-DD.jsonl, in date
# order) then the plain NAME.jsonl (the last day) — what a backtest writes
# into NAME.jsonl alone.
joined() { # DIR NAME
  local f
  for f in "$1/$2"-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9].jsonl "$1/$2.jsonl"; do
    [ -f "$f" ] && cat "$f"
  done
}
