-- A Kafka changelog into Hologres, with metadata columns.
CREATE TABLE src (
  id BIGINT, name STRING, weight DECIMAL(10, 2),
  part INT METADATA FROM 'partition' VIRTUAL,
  off BIGINT METADATA FROM 'offset' VIRTUAL,
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'kafka', 'topic' = 'products',
        'properties.bootstrap.servers' = '127.0.0.1:9092',
        'properties.group.id' = 'g1', 'scan.startup.mode' = 'earliest-offset',
        'format' = 'debezium-json', 'debezium-json.schema-include' = 'true');
CREATE TABLE dst (id BIGINT, name STRING, weight DECIMAL(10, 2),
                  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '127.0.0.1:5432', 'dbname' = 'db',
      'tablename' = 'public.dst', 'username' = 'u', 'password' = '${PGPASSWORD}',
      'mutatetype' = 'insertorupdate', 'sink.delete-strategy' = 'DELETE_ROW_ON_PK');
INSERT INTO dst SELECT id, name, weight FROM src;
