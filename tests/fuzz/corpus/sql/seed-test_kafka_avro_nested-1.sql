CREATE TABLE src ($COLS) WITH ('connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'json');
CREATE TABLE k ($COLS) WITH ('connector' = 'kafka', 'topic' = 'nout',
  'properties.bootstrap.servers' = '$K', 'format' = 'avro-confluent', 'avro-confluent.url' = '$SR');
CREATE TABLE a ($COLS) WITH ('connector' = 'kafka', 'topic' = 'nplain',
  'properties.bootstrap.servers' = '$K', 'format' = 'avro');
EXECUTE STATEMENT SET BEGIN
INSERT INTO k SELECT * FROM src;
INSERT INTO a SELECT * FROM src;
END;
