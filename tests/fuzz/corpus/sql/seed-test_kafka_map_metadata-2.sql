SET 'execution.runtime-mode' = 'batch';
CREATE TABLE g (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '2',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '2');
CREATE TABLE k (id INT, h MAP<STRING, BYTES> METADATA FROM 'headers')
WITH ('connector' = 'kafka', 'topic' = 'hout', 'properties.bootstrap.servers' = '$K',
      'format' = 'json');
CREATE TABLE u (id INT, h MAP<STRING, BYTES> METADATA FROM 'headers', PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'hup', 'properties.bootstrap.servers' = '$K',
      'key.format' = 'json', 'value.format' = 'json',
      'sink.buffer-flush.max-rows' = '10', 'sink.buffer-flush.interval' = '1s');
EXECUTE STATEMENT SET BEGIN
INSERT INTO k SELECT id, MAP['n', CAST(CAST(id AS STRING) AS BYTES), 'empty', CAST('' AS BYTES)] FROM g;
INSERT INTO u SELECT id, MAP['up', CAST('yes' AS BYTES)] FROM g;
END;
