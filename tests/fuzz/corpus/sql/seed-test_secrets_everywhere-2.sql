SET 'pipeline.name' = 'secrets';
CREATE TABLE src (id BIGINT, code STRING)
WITH ('connector' = 'filesystem', 'path' = '$T/d-Zx9-holo-pw', 'format' = 'csv');
CREATE TABLE dst (id BIGINT, code STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$tbl', 'username' = '$PGUSER', 'password' = 'Zx9-holo-pw',
      'sink.insert.dirty-data-strategy' = 'SKIP',
      'sink.dirty-data.path' = '$T/dirty.jsonl');
CREATE TABLE k (id BIGINT, code STRING)
WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json',
      'properties.bootstrap.servers' = '127.0.0.1:9',
      'properties.security.protocol' = 'SASL_PLAINTEXT',
      'properties.sasl.mechanism' = 'PLAIN',
      'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="Jw7jaas-pw-43";',
      'properties.ssl.key.password' = 'Sv6keypass-44',
      'properties.ssl.key.pem' = '-----BEGIN PRIVATE KEY-----PEMKEYBODY45-----END PRIVATE KEY-----');
INSERT INTO dst SELECT * FROM src;
