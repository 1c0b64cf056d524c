SET 'execution.checkpointing.interval' = '200ms';
CREATE TABLE src (id INT, name STRING, ts TIMESTAMP(3), tags ARRAY<INT>) WITH (
  'connector.type' = 'kafka',
  'connector.version' = 'universal',
  'connector.topic' = 'legin',
  'connector.properties.0.key' = 'zookeeper.connect',
  'connector.properties.0.value' = 'localhost:2181',
  'connector.properties.1.key' = 'bootstrap.servers',
  'connector.properties.1.value' = '$K',
  'connector.properties.2.key' = 'group.id',
  'connector.properties.2.value' = 'g-legacy',
  'connector.properties.3.key' = 'session.timeout.ms',
  'connector.properties.3.value' = '6000',
  'connector.properties.4.key' = 'heartbeat.interval.ms',
  'connector.properties.4.value' = '500',
  'connector.startup-mode' = 'earliest-offset',
  'update-mode' = 'append',
  'format.type' = 'json',
  'format.derive-schema' = 'false',
  'format.fields.0.name' = 'id',
  'format.fields.0.type' = 'INT',
  'format.fields.1.name' = 'name',
  'format.fields.1.type' = 'VARCHAR',
  'format.fields.2.name' = 'ts',
  'format.fields.2.type' = 'SQL_TIMESTAMP',
  'format.fields.3.name' = 'tags',
  'format.fields.3.type' = 'PRIMITIVE_ARRAY(INT)'$2
);
CREATE TABLE dst (id INT, name STRING, ts TIMESTAMP(3), tags ARRAY<INT>) WITH (
  'connector.type' = 'kafka',
  'connector.version' = 'universal',
  'connector.topic' = 'legout',
  'connector.properties.0.key' = 'bootstrap.servers',
  'connector.properties.0.value' = '$K',
  'connector.properties.1.key' = 'linger.ms',
  'connector.properties.1.value' = '5',
  'update-mode' = 'append',
  'format.type' = 'json',
  'format.derive-schema' = 'true',
  'format.json-schema' = '{"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "ts": {"type": "string", "format": "date-time"}, "tags": {"type": "array", "items": {"type": "integer"}}}}'
);
INSERT INTO dst SELECT * FROM src;
