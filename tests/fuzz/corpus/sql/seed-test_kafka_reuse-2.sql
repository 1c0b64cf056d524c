SET 'execution.checkpointing.interval' = '1s';
CREATE TABLE events (id BIGINT, v BIGINT, p DECIMAL(10, 2), s STRING)
WITH ('connector' = 'kafka', 'topic' = 'events',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = '$GROUP',
      'properties.session.timeout.ms' = '6000',
      'properties.heartbeat.interval.ms' = '500',
      'scan.startup.mode' = 'earliest-offset',
      'format' = 'debezium-json');
CREATE TABLE dst (id BIGINT, v BIGINT, p DECIMAL(10, 2), s STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.${P}_t', 'username' = '$PGUSER', 'password' = 'unused',
      'connection.pool.size' = '2');
CREATE TABLE dst2 (id BIGINT, v2 BIGINT, s STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.${P}_t2', 'username' = '$PGUSER', 'password' = 'unused',
      'connection.pool.size' = '2');
EXECUTE STATEMENT SET BEGIN
INSERT INTO dst SELECT * FROM events;
INSERT INTO dst2 SELECT id, v * 2, UPPER(s) FROM events;
END;
