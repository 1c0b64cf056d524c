CREATE TABLE src ($SRC_COLS) WITH ('connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'json');
CREATE TABLE dst ($2, PRIMARY KEY (id) NOT ENFORCED) WITH ($(with_opts "${p}_t" "${4:-}"));
INSERT INTO dst SELECT $3 FROM src;
