#!/usr/bin/env bash
# ${secret_values.NAME} (Ververica Platform's secrets) end to end: values
# come from the environment (NAME, or NAME with '-' and '.' as '_'), and
# neither a secret nor an option value built from one is printed by
# `check`, `explain` or `run` (text and JSON logs, debug level, the summary,
# a failing job), even in options that are not credentials: a filesystem
# path and a Kafka client.id, which librdkafka puts into every one of its
# log lines. An undefined secret is an error naming it at file:line:col.
# Runs against the Kafka mock cluster; no PostgreSQL needed.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock svout:1
K=$KAFKA_BOOTSTRAP

export dir_token=Qm4dirsecret     # ${secret_values.dir-token}
export kafka_tag=Hx5clienttag     # ${secret_values.kafka_tag}
export sasl_user=Wb3sasluser      # ${secret_values.sasl_user}
SECRETS=("$dir_token" "$kafka_tag" "$sasl_user")
# no_secret WHAT FILE...: no secret, nor the first 4 bytes of one.
no_secret() {
    local what=$1 s f
    shift
    for f in "$@"; do
        for s in "${SECRETS[@]}"; do
            if grep -qF -- "${s:0:4}" "$f"; then
                fail "$what: (start of) secret '$s' printed in $(basename "$f"):"
                grep -nF -- "${s:0:4}" "$f" | head -5 >&2
            fi
        done
    done
}

mkdir -p "$T/in/$dir_token"
printf '1,a\n2,b\n3,c\n' >"$T/in/$dir_token/rows.csv"
job() { # FILE CSV-NAME
    cat >"$1" <<SQL
SET 'execution.checkpointing.interval' = '200ms';
CREATE TABLE src (id INT, s STRING) WITH ('connector' = 'filesystem',
  'path' = '$T/in/\${secret_values.dir-token}/$2', 'format' = 'csv');
CREATE TABLE k (id INT, s STRING) WITH ('connector' = 'kafka', 'topic' = 'svout',
  'properties.bootstrap.servers' = '$K',
  'properties.client.id' = 'hf-\${secret_values.kafka_tag}',
  'properties.sasl.username' = '\${secret_values.sasl_user}',
  'format' = 'json');
INSERT INTO k SELECT * FROM src;
SQL
}
job "$T/ok.sql" rows.csv

run_hf "$T/check.out" "$T/check.err" check "$T/ok.sql"
expect_rc 0 "check"
no_secret "check" "$T/check.out" "$T/check.err"

run_hf "$T/explain.out" "$T/explain.err" explain "$T/ok.sql"
expect_rc 0 "explain"
expect_grep "path = '******'" "$T/explain.out" "explain masks the path built from a secret"
expect_grep "properties.client.id = '******'" "$T/explain.out" \
    "explain masks the client.id built from a secret"
expect_grep "sink: k [kafka, json] (INSERT at line 9) <- n2" "$T/explain.out" "explain is whole"
no_secret "explain" "$T/explain.out" "$T/explain.err"

for fmt in text json; do
    run_hf "$T/run-$fmt.out" "$T/run-$fmt.err" --log-level debug --log-format "$fmt" run "$T/ok.sql"
    expect_rc 0 "run ($fmt logs)"
    expect_grep "3 rows written" "$T/run-$fmt.err" "run ($fmt logs): the summary"
    expect_grep "******#producer" "$T/run-$fmt.err" \
        "run ($fmt logs): librdkafka's lines name the client, masked"
    no_secret "run ($fmt logs)" "$T/run-$fmt.out" "$T/run-$fmt.err"
done
"$KCAT" -b "$K" -C -t svout -e -o beginning -q -f '%s\n' | sort >"$T/out.got"
printf '%s\n' '{"id":1,"s":"a"}' '{"id":1,"s":"a"}' '{"id":2,"s":"b"}' \
    '{"id":2,"s":"b"}' '{"id":3,"s":"c"}' '{"id":3,"s":"c"}' >"$T/out.want"
expect_same "$T/out.want" "$T/out.got" "both runs wrote the rows (the secret path was read)"

# A failing job names the path: masked.
job "$T/missing.sql" nope.csv
run_hf "$T/missing.out" "$T/missing.err" run "$T/missing.sql"
expect_rc 1 "a missing file fails the job"
expect_grep "path '******'" "$T/missing.err" "the failing path is masked"
no_secret "failing run" "$T/missing.out" "$T/missing.err"

# Undefined: named, at the value's position, before anything runs.
unset kafka_tag
run_hf "$T/undef.out" "$T/undef.err" check "$T/ok.sql"
expect_rc 2 "undefined secret"
expect_grep "ok.sql:6:28: error: option 'properties.client.id': secret 'kafka_tag' (\${secret_values.kafka_tag}) is not defined: set the environment variable kafka_tag" \
    "$T/undef.err" "undefined secret named at file:line:col"
finish
