$SRC
create table upsertKafkaSink(
  $cols
)
with (
  'connector.type' = 'upsert-kafka',
  'connector.version' = '0.11',
  'connector.topic' = '$topic',
  'connector.properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
  $extra
);
$ins
